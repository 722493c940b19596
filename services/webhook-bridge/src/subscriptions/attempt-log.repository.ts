import type { Kysely, Selectable } from "kysely";
import type { Infer } from "@switchboard/contracts";
import type { AttemptView } from "../contracts.js";
import { SCHEMA } from "../migrations.js";
import type { WebhookBridgeDB } from "../webhook-bridge.tables.js";
import type { deliveriesQuery } from "./webhooks.schemas.js";

/** `before`: the id of the last attempt of the previous page. */
export type AttemptQuery = Infer<typeof deliveriesQuery>;

type AttemptRow = Selectable<WebhookBridgeDB["delivery_attempts"]>;

export const toAttemptView = (r: AttemptRow): AttemptView => ({
  id: Number(r.id),
  subscriptionId: r.subscription_id,
  messageId: r.message_id,
  eventType: r.event_type,
  attempt: r.attempt,
  kind: r.kind,
  outcome: r.outcome,
  status: r.status,
  durationMs: r.duration_ms,
  error: r.error,
  responseExcerpt: r.response_excerpt,
  nextAttemptAt: r.next_attempt_at === null ? null : new Date(r.next_attempt_at).toISOString(),
  createdAt: new Date(r.created_at).toISOString(),
});

/** A subscription's delivery log, newest first (ids grow with time), scoped by org like every read. */
export async function listAttempts(
  db: Kysely<WebhookBridgeDB>,
  orgId: string,
  subscriptionId: string,
  query: AttemptQuery,
): Promise<AttemptView[]> {
  let q = db
    .withSchema(SCHEMA)
    .selectFrom("delivery_attempts")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("subscription_id", "=", subscriptionId);
  if (query.messageId !== undefined) q = q.where("message_id", "=", query.messageId);
  if (query.outcome !== undefined) q = q.where("outcome", "=", query.outcome);
  if (query.before !== undefined) q = q.where("id", "<", query.before);
  const rows = await q.orderBy("id", "desc").limit(query.limit).execute();
  return rows.map(toAttemptView);
}
