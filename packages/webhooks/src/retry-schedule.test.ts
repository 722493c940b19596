import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_SCHEDULE_MS, nextAttemptDelay, validateRetrySchedule } from "./retry-schedule.js";

const HOUR = 3_600_000;

describe("nextAttemptDelay", () => {
  it("walks the default schedule: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then gives up", () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((made) =>
      nextAttemptDelay(DEFAULT_RETRY_SCHEDULE_MS, made),
    );
    expect(delays).toEqual([
      0,
      5_000,
      300_000,
      1_800_000,
      2 * HOUR,
      5 * HOUR,
      10 * HOUR,
      10 * HOUR,
      undefined,
    ]);
  });

  it("lets a longer Retry-After win, capped at a day, without adding attempts", () => {
    expect(nextAttemptDelay(DEFAULT_RETRY_SCHEDULE_MS, 1, 60_000)).toBe(60_000);
    expect(nextAttemptDelay(DEFAULT_RETRY_SCHEDULE_MS, 1, 1_000)).toBe(5_000);
    expect(nextAttemptDelay(DEFAULT_RETRY_SCHEDULE_MS, 2, 7 * 24 * HOUR)).toBe(24 * HOUR);
    expect(nextAttemptDelay(DEFAULT_RETRY_SCHEDULE_MS, 8, 60_000)).toBeUndefined();
  });

  it("follows a short schedule, as tests configure", () => {
    expect([1, 2, 3].map((made) => nextAttemptDelay([0, 10, 20], made))).toEqual([10, 20, undefined]);
  });

  it("refuses a nonsensical attempt count", () => {
    expect(() => nextAttemptDelay(DEFAULT_RETRY_SCHEDULE_MS, -1)).toThrow(/attempts made so far/);
    expect(() => nextAttemptDelay(DEFAULT_RETRY_SCHEDULE_MS, 1.5)).toThrow(/attempts made so far/);
  });
});

describe("validateRetrySchedule", () => {
  it("accepts 1 to 50 delays of 0 to 24 h", () => {
    expect(validateRetrySchedule([0, 10, 24 * HOUR])).toEqual({ ok: true, value: [0, 10, 24 * HOUR] });
    expect(validateRetrySchedule(DEFAULT_RETRY_SCHEDULE_MS).ok).toBe(true);
  });

  it.each([
    [[], /list of 1 to 50/],
    [Array(51).fill(0), /list of 1 to 50/],
    ["5s", /list of 1 to 50/],
    [[0, -1], /delay 2 \(-1\)/],
    [[0, 1.5], /delay 2 \(1.5\)/],
    [[0, "5"], /delay 2 \("5"\)/],
    [[24 * HOUR + 1], /delay 1 .*\(a day\)/],
  ])("refuses %j", (schedule, message) => {
    const result = validateRetrySchedule(schedule);
    expect(!result.ok && result.error).toMatch(message);
  });
});
