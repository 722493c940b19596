export interface TokenBucket {
  /**
   * Takes `cost` tokens when the bucket holds min(cost, burst) and returns 0; a cost above the
   * burst takes it below zero, paid back before the next take succeeds, so a large batch is not
   * refused for ever. Otherwise takes nothing and returns how many milliseconds until it will hold
   * them, so the caller waits (or refuses with that delay) and asks again.
   */
  take(nowMs?: number, cost?: number): number;
  /** Whether it has refilled by `nowMs`: a full bucket behaves exactly like a new one. */
  isFull(nowMs?: number): boolean;
}

/**
 * A token bucket: `ratePerSecond` on average, up to `burst` at once after a quiet spell.
 * The default burst is one second's worth (at least 1). Throws RangeError for a rate or burst that
 * cannot work.
 */
export function createTokenBucket(
  ratePerSecond: number,
  burst = Math.max(1, Math.floor(ratePerSecond)),
): TokenBucket {
  if (!Number.isFinite(ratePerSecond) || ratePerSecond <= 0) {
    throw new RangeError(`rate limit must be a positive number per second, not ${ratePerSecond}`);
  }
  if (!Number.isFinite(burst) || burst < 1) throw new RangeError(`burst must be at least 1, not ${burst}`);
  let tokens = burst;
  let last: number | undefined;
  const refill = (nowMs: number): void => {
    // A clock that steps back refills nothing rather than draining the bucket.
    if (last !== undefined && nowMs > last)
      tokens = Math.min(burst, tokens + ((nowMs - last) / 1000) * ratePerSecond);
    if (last === undefined || nowMs > last) last = nowMs;
  };
  return {
    take(nowMs = Date.now(), cost = 1) {
      refill(nowMs);
      const needed = Math.min(cost, burst);
      // The epsilon keeps a caller that waited exactly the returned time from being told to wait 1 ms more.
      if (tokens >= needed - 1e-9) {
        tokens -= cost;
        return 0;
      }
      return Math.ceil(((needed - tokens) / ratePerSecond) * 1000);
    },
    isFull(nowMs = Date.now()) {
      refill(nowMs);
      return tokens >= burst;
    },
  };
}
