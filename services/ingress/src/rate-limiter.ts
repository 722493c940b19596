import { createTokenBucket, type TokenBucket } from "@switchboard/rate-limit";

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiterOptions {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Most tokens a bucket holds: how large a burst after a quiet spell may be. */
  burst: number;
  nowMs?: () => number;
  /** Buckets kept before the full ones (same as absent) are swept. */
  maxKeys?: number;
}

/**
 * A token bucket per key, in this process only. A request costing n events is let through when
 * the bucket holds min(n, burst) tokens and then takes all n, possibly going below zero: a batch
 * larger than the burst is not refused forever, and the key pays it back before its next request.
 */
export class KeyRateLimiter {
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;
  readonly #maxKeys: number;
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(options: RateLimiterOptions) {
    // Refuses a rate or burst that cannot work now, not at the first request.
    createTokenBucket(options.ratePerSecond, options.burst);
    this.#rate = options.ratePerSecond;
    this.#burst = options.burst;
    this.#now = options.nowMs ?? Date.now;
    this.#maxKeys = options.maxKeys ?? 10_000;
  }

  get ratePerSecond(): number {
    return this.#rate;
  }

  take(key: string, cost = 1): RateDecision {
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#maxKeys) this.#sweep(now);
      bucket = createTokenBucket(this.#rate, this.#burst);
      this.#buckets.set(key, bucket);
    }
    const waitMs = bucket.take(now, cost);
    return waitMs === 0
      ? { allowed: true }
      : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  /** Drops buckets that have refilled: a full bucket behaves exactly like no bucket. */
  #sweep(now: number): void {
    for (const [key, bucket] of this.#buckets) if (bucket.isFull(now)) this.#buckets.delete(key);
  }
}
