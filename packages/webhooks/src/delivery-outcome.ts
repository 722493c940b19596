import type { DestinationProblem } from "./destination-problem.js";

/**
 * What one delivery attempt came to, and what the caller does next:
 * - delivered: a 2xx; done.
 * - gone: 410; the receiver asks to stop, so the endpoint is disabled.
 * - retry: any other answer (3xx, 4xx, 5xx), a timeout, a connection or DNS failure; schedule the
 *   next attempt with nextAttemptDelay(schedule, attempts, retryAfterMs). Other 4xx are retried too,
 *   as Svix and Convoy do: a receiver's 400/401/404 is often a deploy or config slip fixed within
 *   the schedule, and the schedule ends in the dead-letter queue anyway.
 * - refused: the SSRF guard said no (or the URL is unusable); sending again will not help until
 *   the URL or the allowlist changes.
 */
export type DeliveryOutcome =
  | { outcome: "delivered"; status: number; durationMs: number; excerpt: string }
  | { outcome: "gone"; status: 410; durationMs: number; excerpt: string }
  | {
      outcome: "retry";
      status?: number;
      retryAfterMs?: number;
      durationMs: number;
      excerpt?: string;
      error?: string;
    }
  | { outcome: "refused"; problem: DestinationProblem; durationMs: number };
