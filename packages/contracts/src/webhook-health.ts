/**
 * How one webhook subscription is doing, as `GET /v1/orgs/{org}/webhooks/health` answers it: from
 * its delivery log (kept for the retention period) and its consumer. The webhook bridge computes it;
 * the console shows it.
 */
export interface WebhookHealth {
  id: string;
  url: string;
  enabled: boolean;
  /** The last delivered attempt, null when none is in the log. */
  lastSuccessAt: string | null;
  /** The last attempt that was not delivered (retried, refused, gone, exhausted). */
  lastFailureAt: string | null;
  attempts24h: number;
  delivered24h: number;
  /** delivered24h / attempts24h; null without attempts in the last 24 hours. */
  successRate24h: number | null;
  /** Events waiting for the endpoint: pending in its consumer plus delivered but not yet acked; null when unknown. */
  backlog: number | null;
}
