import { sql, type Kysely } from "kysely";
import { deleteInBatches } from "@switchboard/db";
import type { AttemptView } from "../contracts.js";
import { SCHEMA } from "../migrations.js";
import { toAttemptView } from "../subscriptions/index.js";
import type { WebhookBridgeDB } from "../webhook-bridge.tables.js";

export interface AttemptWrite {
  orgId: string;
  subscriptionId: string;
  messageId: string;
  eventType: string;
  /** The event's EVENTS sequence, so a replay by messageId finds it without a scan. */
  streamSeq: number | null;
  attempt: number;
  kind: AttemptView["kind"];
  outcome: AttemptView["outcome"];
  status: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
  nextAttemptAt: Date | null;
}

const ATTEMPTS = "delivery_attempts";
const MAX_ERROR_LENGTH = 2_000;

function values(a: AttemptWrite) {
  return {
    org_id: a.orgId,
    subscription_id: a.subscriptionId,
    message_id: a.messageId,
    event_type: a.eventType,
    stream_seq: a.streamSeq,
    attempt: a.attempt,
    kind: a.kind,
    outcome: a.outcome,
    status: a.status,
    duration_ms: Math.max(0, Math.round(a.durationMs)),
    error: a.error === null ? null : a.error.slice(0, MAX_ERROR_LENGTH),
    response_excerpt: a.responseExcerpt,
    next_attempt_at: a.nextAttemptAt,
  };
}

export async function insertAttempt(db: Kysely<WebhookBridgeDB>, attempt: AttemptWrite): Promise<void> {
  await db.withSchema(SCHEMA).insertInto(ATTEMPTS).values(values(attempt)).execute();
}

/** The same, answering with the attempt as the log shows it. */
export async function insertAttemptView(
  db: Kysely<WebhookBridgeDB>,
  attempt: AttemptWrite,
): Promise<AttemptView> {
  const row = await db
    .withSchema(SCHEMA)
    .insertInto(ATTEMPTS)
    .values(values(attempt))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toAttemptView(row);
}

/** Whether the log shows this message delivered to the subscription by its consumer already. */
export async function wasDelivered(
  db: Kysely<WebhookBridgeDB>,
  subscriptionId: string,
  messageId: string,
): Promise<boolean> {
  const row = await db
    .withSchema(SCHEMA)
    .selectFrom(ATTEMPTS)
    .select("id")
    .where("subscription_id", "=", subscriptionId)
    .where("message_id", "=", messageId)
    .where("kind", "=", "delivery")
    .where("outcome", "=", "delivered")
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Where the subscription last met this message in EVENTS, if the log still says. */
export async function findStreamSeq(
  db: Kysely<WebhookBridgeDB>,
  subscriptionId: string,
  messageId: string,
): Promise<number | undefined> {
  const row = await db
    .withSchema(SCHEMA)
    .selectFrom(ATTEMPTS)
    .select("stream_seq")
    .where("subscription_id", "=", subscriptionId)
    .where("message_id", "=", messageId)
    .where("stream_seq", "is not", null)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  const seq = row?.stream_seq;
  return seq === null || seq === undefined ? undefined : Number(seq);
}

/**
 * Deletes attempts logged before `cutoff`, a batch at a time so no statement holds many row locks;
 * returns how many went.
 */
export function deleteAttemptsBefore(
  db: Kysely<WebhookBridgeDB>,
  cutoff: Date,
  batchSize = 5_000,
): Promise<number> {
  return deleteInBatches(db, SCHEMA, ATTEMPTS, sql`created_at < ${cutoff}`, batchSize);
}
