import { sql, type Kysely } from "kysely";
import { deleteInBatches, jsonRecords } from "@switchboard/db";
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

/** The columns of an attempt row, as `values` names them. */
const COLUMN_NAMES: readonly (keyof ReturnType<typeof values>)[] = [
  "org_id",
  "subscription_id",
  "message_id",
  "event_type",
  "stream_seq",
  "attempt",
  "kind",
  "outcome",
  "status",
  "duration_ms",
  "error",
  "response_excerpt",
  "next_attempt_at",
];
const COLUMNS = sql.raw(COLUMN_NAMES.join(", "));

/**
 * Writes the attempts in one statement, in their order, as one JSON parameter (jsonRecords), so
 * the statement is the same whatever the number of rows.
 */
export async function insertAttempts(
  db: Kysely<WebhookBridgeDB>,
  attempts: readonly AttemptWrite[],
): Promise<void> {
  if (attempts.length === 0) return;
  const table = `${SCHEMA}.${ATTEMPTS}`;
  await sql`insert into ${sql.table(table)} (${COLUMNS})
    select ${COLUMNS} from ${jsonRecords(table, attempts.map(values))}`.execute(db);
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

/** A message as one subscription's consumer meets it. */
export interface DeliveryKey {
  subscriptionId: string;
  messageId: string;
}

/**
 * Which of these messages the log shows delivered to their subscription by its consumer already,
 * in one statement: the keys, as `${subscriptionId} ${messageId}`.
 */
export async function deliveredAmong(
  db: Kysely<WebhookBridgeDB>,
  keys: readonly DeliveryKey[],
): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const subscriptionIds = [...new Set(keys.map((k) => k.subscriptionId))];
  const messageIds = [...new Set(keys.map((k) => k.messageId))];
  const { rows } = await sql<{ subscription_id: string; message_id: string }>`
    select subscription_id, message_id from ${sql.table(`${SCHEMA}.${ATTEMPTS}`)}
    where subscription_id = any(${subscriptionIds}::text[]) and message_id = any(${messageIds}::text[])
      and kind = 'delivery' and outcome = 'delivered'`.execute(db);
  return new Set(rows.map((r) => deliveryKey(r.subscription_id, r.message_id)));
}

export const deliveryKey = (subscriptionId: string, messageId: string): string =>
  `${subscriptionId} ${messageId}`;

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
