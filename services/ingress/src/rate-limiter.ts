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

type Bucket = { tokens: number; at: number };

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
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: RateLimiterOptions) {
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1)) {
      throw new RangeError("a rate limiter needs a positive rate and a burst of at least 1");
    }
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
    const bucket = this.#buckets.get(key) ?? { tokens: this.#burst, at: now };
    const tokens = Math.min(this.#burst, bucket.tokens + ((now - bucket.at) / 1000) * this.#rate);
    const needed = Math.min(cost, this.#burst);
    if (tokens < needed) {
      this.#buckets.set(key, { tokens, at: now });
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((needed - tokens) / this.#rate)) };
    }
    if (!this.#buckets.has(key) && this.#buckets.size >= this.#maxKeys) this.#sweep(now);
    this.#buckets.set(key, { tokens: tokens - cost, at: now });
    return { allowed: true };
  }

  /** Drops buckets that have refilled: a full bucket behaves exactly like no bucket. */
  #sweep(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.#rate >= this.#burst) this.#buckets.delete(key);
    }
  }
}
