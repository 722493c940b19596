import { ValidationError, err, ok, type Result } from "@switchboard/errors";

/** Entry i is the delay before attempt i+1: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = Object.freeze([
  0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
]);

/** No single wait is longer than a day, whether a schedule or a receiver's Retry-After asks for it. */
export const MAX_RETRY_DELAY_MS = 86_400_000;
export const MAX_RETRY_SCHEDULE_LENGTH = 50;

/**
 * How long to wait before the next attempt, given how many were made so far; undefined when the
 * schedule is exhausted (the caller dead-letters). A receiver's Retry-After wins when it is longer,
 * up to a day, but never adds attempts.
 */
export function nextAttemptDelay(
  schedule: readonly number[],
  attempt: number,
  retryAfterMs?: number,
): number | undefined {
  if (!Number.isInteger(attempt) || attempt < 0) {
    throw new ValidationError(
      `attempt must be the number of attempts made so far (an integer ≥ 0), not ${attempt}`,
    );
  }
  const scheduled = schedule[attempt];
  if (scheduled === undefined) return undefined;
  const asked = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) ? retryAfterMs : 0;
  return Math.min(Math.max(scheduled, asked), MAX_RETRY_DELAY_MS);
}

/** For save time: 1 to 50 whole-millisecond delays, each between 0 and a day. */
export function validateRetrySchedule(schedule: unknown): Result<number[], string> {
  if (!Array.isArray(schedule) || schedule.length === 0 || schedule.length > MAX_RETRY_SCHEDULE_LENGTH) {
    return err(`a retry schedule is a list of 1 to ${MAX_RETRY_SCHEDULE_LENGTH} delays in milliseconds`);
  }
  const bad = schedule.findIndex((d) => !Number.isInteger(d) || d < 0 || d > MAX_RETRY_DELAY_MS);
  if (bad >= 0) {
    return err(
      `delay ${bad + 1} (${JSON.stringify(schedule[bad])}) must be whole milliseconds from 0 to ${MAX_RETRY_DELAY_MS} (a day)`,
    );
  }
  return ok(schedule as number[]);
}
