import type { DeliveryOutcome } from "./delivery-outcome.js";
import { parseRetryAfter } from "./retry-after.js";

export interface ReceivedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  excerpt: string;
  durationMs: number;
}

/** Maps a receiver's answer to an outcome. Only 2xx counts as delivered. */
export function responseOutcome(response: ReceivedResponse, nowMs: number): DeliveryOutcome {
  const { status, headers, excerpt, durationMs } = response;
  if (status >= 200 && status < 300) return { outcome: "delivered", status, durationMs, excerpt };
  if (status === 410) return { outcome: "gone", status, durationMs, excerpt };
  const retry = { outcome: "retry", status, durationMs, excerpt } as const;
  if (status === 429 || status === 503) {
    const retryAfterMs = parseRetryAfter(headers["retry-after"], nowMs);
    return retryAfterMs === undefined ? retry : { ...retry, retryAfterMs };
  }
  if (status >= 300 && status < 400) {
    // Following a redirect would let a receiver point us at an address the guard never checked.
    const location = first(headers.location);
    const target =
      location === undefined ? "" : ` to ${location.length > 200 ? `${location.slice(0, 200)}…` : location}`;
    return { ...retry, error: `redirect (${status})${target} not followed; update the webhook URL` };
  }
  return retry;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
