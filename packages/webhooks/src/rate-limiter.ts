import { ValidationError } from "@switchboard/errors";

export interface RateLimiter {
  /**
   * Takes a token if one is there and returns 0; otherwise takes nothing and returns how many
   * milliseconds until one will be, so the caller waits (or naks with that delay) and asks again.
   */
  take(nowMs?: number): number;
}

/**
 * A token bucket: `ratePerSecond` on average, up to `burst` at once after a quiet spell.
 * The default burst is one second's worth (at least 1).
 */
export function createRateLimiter(
  ratePerSecond: number,
  burst = Math.max(1, Math.floor(ratePerSecond)),
): RateLimiter {
  if (!Number.isFinite(ratePerSecond) || ratePerSecond <= 0) {
    throw new ValidationError(`rate limit must be a positive number per second, not ${ratePerSecond}`);
  }
  if (!Number.isFinite(burst) || burst < 1)
    throw new ValidationError(`burst must be at least 1, not ${burst}`);
  let tokens = burst;
  let last: number | undefined;
  return {
    take(nowMs = Date.now()) {
      // A clock that steps back refills nothing rather than draining the bucket.
      if (last !== undefined && nowMs > last)
        tokens = Math.min(burst, tokens + ((nowMs - last) / 1000) * ratePerSecond);
      if (last === undefined || nowMs > last) last = nowMs;
      // The epsilon keeps a caller that waited exactly the returned time from being told to wait 1 ms more.
      if (tokens >= 1 - 1e-9) {
        tokens -= 1;
        return 0;
      }
      return Math.ceil(((1 - tokens) / ratePerSecond) * 1000);
    },
  };
}
