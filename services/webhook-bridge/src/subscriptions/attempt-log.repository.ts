import type { Kysely } from "kysely";
import type { AttemptView } from "../contracts.js";
import { SCHEMA } from "../migrations.js";

export interface AttemptQuery {
  messageId?: string | undefined;
  outcome?: AttemptView["outcome"] | undefined;
  limit: number;
  /** Id of the last attempt of the previous page. */
  before?: number | undefined;
}

type AttemptRow = {
  id: string | number;
  subscription_id: string;
  message_id: string;
  event_type: string;
  attempt: number;
  kind: AttemptView["kind"];
  outcome: AttemptView["outcome"];
  status: number | null;
  duration_ms: number;
  error: string | null;
  response_excerpt: string | null;
  next_attempt_at: Date | string | null;
  created_at: Date | string;
};

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
  db: Kysely<any>,
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
  if (query.before !== undefined) q = q.where("id", "<", String(query.before));
  const rows = await q.orderBy("id", "desc").limit(query.limit).execute();
  return rows.map((r) => toAttemptView(r as AttemptRow));
}
