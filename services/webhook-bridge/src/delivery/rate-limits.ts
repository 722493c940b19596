import { createTokenBucket, type TokenBucket } from "@switchboard/rate-limit";
import type { SubscriptionRecord } from "../contracts.js";

type Bucket = { rate: number; limiter: TokenBucket };

/**
 * One token bucket per subscription, in this replica: a subscription's limit holds per replica, so
 * N replicas together may send up to N times it.
 */
export class RateLimits {
  private readonly buckets = new Map<string, Bucket>();

  /**
   * Resolves when the subscription may send; false if `signal` aborted the wait first. The caller
   * holds its message meanwhile: the consume loop keeps the message's ack alive while it waits.
   */
  async acquire(
    sub: Pick<SubscriptionRecord, "id" | "rateLimitPerSecond">,
    signal: AbortSignal,
  ): Promise<boolean> {
    const rate = sub.rateLimitPerSecond;
    if (rate === null || rate <= 0) return true;
    const limiter = this.limiterFor(sub.id, rate);
    for (;;) {
      if (signal.aborted) return false;
      const waitMs = limiter.take();
      if (waitMs === 0) return true;
      await sleep(waitMs, signal);
    }
  }

  forget(subscriptionId: string): void {
    this.buckets.delete(subscriptionId);
  }

  private limiterFor(id: string, rate: number): TokenBucket {
    const bucket = this.buckets.get(id);
    if (bucket !== undefined && bucket.rate === rate) return bucket.limiter;
    const fresh = { rate, limiter: createTokenBucket(rate) };
    this.buckets.set(id, fresh);
    return fresh.limiter;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
