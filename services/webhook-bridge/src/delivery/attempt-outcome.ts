import { nextAttemptDelay, type DeliveryOutcome } from "@switchboard/webhooks";
import type { AttemptView } from "../contracts.js";

/**
 * What one consumer delivery attempt leads to, before any side effect:
 * - delivered: ack;
 * - retry: nak with `delayMs` (the schedule's next wait, or a longer Retry-After);
 * - exhausted: the schedule has no next wait: dead-letter with `reason`;
 * - gone: the receiver answered 410: disable the subscription;
 * - refused: sending again cannot help (SSRF guard, unusable URL): dead-letter.
 */
export type AttemptDecision =
  | { outcome: "delivered" }
  | { outcome: "retry"; delayMs: number; reason: string }
  | { outcome: "exhausted"; reason: string }
  | { outcome: "gone"; reason: string }
  | { outcome: "refused"; reason: string };

export const GONE_REASON = "endpoint answered 410 Gone";

/** `attemptsMade` counts this one: the first delivery of a message is attempt 1. */
export function decideAttempt(
  result: DeliveryOutcome,
  schedule: readonly number[],
  attemptsMade: number,
): AttemptDecision {
  switch (result.outcome) {
    case "delivered":
      return { outcome: "delivered" };
    case "gone":
      return { outcome: "gone", reason: GONE_REASON };
    case "refused":
      return { outcome: "refused", reason: result.problem.message };
    case "retry": {
      const reason = failureText(result) ?? "the delivery failed";
      const delayMs = nextAttemptDelay(schedule, attemptsMade, result.retryAfterMs);
      if (delayMs === undefined) {
        return {
          outcome: "exhausted",
          reason: `retries exhausted after ${attemptsMade} attempts; last: ${reason}`,
        };
      }
      return { outcome: "retry", delayMs, reason };
    }
  }
}

/** The attempt log's columns for a result: status, duration, error, excerpt. */
export function attemptDetails(result: DeliveryOutcome): {
  status: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
} {
  return {
    status: "status" in result && result.status !== undefined ? result.status : null,
    durationMs: result.durationMs,
    error: failureText(result),
    responseExcerpt: "excerpt" in result && result.excerpt !== undefined ? result.excerpt : null,
  };
}

/** Why an attempt failed, as a user reads it; null for a success. */
export function failureText(result: DeliveryOutcome): string | null {
  switch (result.outcome) {
    case "delivered":
      return null;
    case "gone":
      return GONE_REASON;
    case "refused":
      return result.problem.message;
    case "retry":
      if (result.error !== undefined) return result.error;
      return result.status === undefined ? null : `endpoint answered HTTP ${result.status}`;
  }
}

export type LoggedOutcome = AttemptView["outcome"];
