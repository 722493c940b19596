import { describe, expect, it } from "vitest";
import { attemptDetails, decideAttempt } from "./attempt-outcome.js";

const schedule = [0, 200, 400];

describe("decideAttempt", () => {
  it("retries on the schedule: attempt n waits schedule[n], then the schedule is exhausted", () => {
    const failed = { outcome: "retry" as const, status: 500, durationMs: 3, excerpt: "oops" };
    expect(decideAttempt(failed, schedule, 1)).toEqual({
      outcome: "retry",
      delayMs: 200,
      reason: "endpoint answered HTTP 500",
    });
    expect(decideAttempt(failed, schedule, 2)).toMatchObject({ outcome: "retry", delayMs: 400 });
    expect(decideAttempt(failed, schedule, 3)).toEqual({
      outcome: "exhausted",
      reason: "retries exhausted after 3 attempts; last: endpoint answered HTTP 500",
    });
  });

  it("lets a longer Retry-After win, without adding attempts", () => {
    const throttled = { outcome: "retry" as const, status: 429, retryAfterMs: 5_000, durationMs: 1 };
    expect(decideAttempt(throttled, schedule, 1)).toMatchObject({ outcome: "retry", delayMs: 5_000 });
    expect(decideAttempt(throttled, schedule, 3)).toMatchObject({ outcome: "exhausted" });
  });

  it("names a connection error as the reason", () => {
    const refused = { outcome: "retry" as const, durationMs: 1, error: "connect ECONNREFUSED 127.0.0.1:1" };
    expect(decideAttempt(refused, schedule, 1)).toMatchObject({ reason: "connect ECONNREFUSED 127.0.0.1:1" });
  });

  it("maps delivered, gone and refused as they are", () => {
    expect(
      decideAttempt({ outcome: "delivered", status: 204, durationMs: 1, excerpt: "" }, schedule, 1),
    ).toEqual({
      outcome: "delivered",
    });
    expect(decideAttempt({ outcome: "gone", status: 410, durationMs: 1, excerpt: "" }, schedule, 1)).toEqual({
      outcome: "gone",
      reason: "endpoint answered 410 Gone",
    });
    const problem = { code: "private-address" as const, message: "10.0.0.7 is a private address" };
    expect(decideAttempt({ outcome: "refused", problem, durationMs: 0 }, schedule, 1)).toEqual({
      outcome: "refused",
      reason: "10.0.0.7 is a private address",
    });
  });
});

describe("attemptDetails", () => {
  it("keeps what the log shows of an answer", () => {
    expect(attemptDetails({ outcome: "retry", status: 503, durationMs: 12, excerpt: "busy" })).toEqual({
      status: 503,
      durationMs: 12,
      error: "endpoint answered HTTP 503",
      responseExcerpt: "busy",
    });
    expect(
      attemptDetails({ outcome: "retry", durationMs: 10_000, error: "timed out after 10000 ms" }),
    ).toEqual({
      status: null,
      durationMs: 10_000,
      error: "timed out after 10000 ms",
      responseExcerpt: null,
    });
  });
});
