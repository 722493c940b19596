import { createHash } from "node:crypto";
import { sql, type Kysely, type Selectable, type Transaction } from "kysely";
import type { DedupKey } from "./dedup-keys.js";

import { SCHEMA } from "../migrations.js";
import type { RulesEngineDB } from "../rules-engine.tables.js";

/**
 * `claimed`: this message may run (first time, or a redelivery of the message that claimed it).
 * `duplicate`: its id or data was processed already. `busy`: another message with the same data, or
 * another copy with the same id, is being processed right now; try again shortly, it will then be a
 * duplicate (or free, if that one failed).
 */
export type ClaimOutcome =
  | { outcome: "claimed" }
  | { outcome: "duplicate"; of: string }
  /** `holder`: the stream copy holding the claim, to tell whether it is still at work. */
  | { outcome: "busy"; by: string; holder: string | null };

type ClaimRow = Pick<
  Selectable<RulesEngineDB["dedup_claims"]>,
  "kind" | "value" | "message_id" | "status" | "holder"
>;

// The claim's two statements run for every message: written as SQL templates, whose parameters
// kysely numbers, rather than built by the query builder each time.
const CLAIMS = sql.table(`${SCHEMA}.dedup_claims`);

/**
 * A key as its claim stores it. Claims are kept for ever, so a key made of payload fields (a
 * patient number and a date) is stored as its SHA-256, never as the data; the payload's own key is a
 * hash already, and the message id is kept as it is (the claim names the message anyway).
 */
export function storedKey(key: DedupKey): DedupKey {
  return key.kind === "key"
    ? { kind: "key", value: createHash("sha256").update(key.value, "utf8").digest("hex") }
    : key;
}

/** Who claims: the message, for one org's event, as one stream copy. */
type ClaimOf = { orgId: string; eventName: string; messageId: string; holder: string };

/** Insert the keys as `processing` for this message and holder, leaving existing claims alone. */
function insertClaims(claim: ClaimOf, keys: DedupKey[]) {
  const rows = keys.map(
    (k) =>
      sql`(${claim.orgId}, ${claim.eventName}, ${k.kind}, ${k.value}, ${claim.messageId}, 'processing', ${claim.holder})`,
  );
  return sql`insert into ${CLAIMS} (org_id, event_name, kind, value, message_id, status, holder)
    values ${sql.join(rows)} on conflict (org_id, event_name, kind, value) do nothing`;
}

/** The claims of the keys, whoever holds them, locked for this transaction. */
function selectClaims(claim: ClaimOf, keys: DedupKey[]) {
  const pairs = keys.map((k) => sql`(kind = ${k.kind} and value = ${k.value})`);
  return sql<ClaimRow>`select kind, value, message_id, status, holder from ${CLAIMS}
    where org_id = ${claim.orgId} and event_name = ${claim.eventName} and (${sql.join(pairs, sql` or `)}) for update`;
}

/**
 * Claims the keys for the message in the caller's short transaction, which holds them locked until
 * it ends. Claims persist without time limit, so dedup outlives the broker's duplicate window; no
 * lock is held while the message's actions run.
 * `holder` is the stream copy (its sequence): a redelivery of that copy may take its claim over,
 * but another copy of the same id (posted over HTTP and published on NATS) must wait for it.
 */
export async function claimKeys(
  trx: Transaction<RulesEngineDB>,
  orgId: string,
  eventName: string,
  keys: DedupKey[],
  messageId: string,
  holder: string,
): Promise<ClaimOutcome> {
  keys = keys.map(storedKey);
  const claim = { orgId, eventName, messageId, holder };
  await insertClaims(claim, keys).execute(trx);
  const { rows } = await selectClaims(claim, keys).execute(trx);
  const others = rows.filter((r) => r.message_id !== messageId);
  const done = others.find((r) => r.status === "done");
  if (done !== undefined) {
    await releaseOwn(trx, orgId, eventName, keys, messageId);
    return { outcome: "duplicate", of: done.message_id };
  }
  const ownDone = rows.find((r) => r.message_id === messageId && r.status === "done");
  if (ownDone !== undefined) return { outcome: "duplicate", of: messageId };
  const otherCopy = rows.find((r) => r.message_id === messageId && r.holder !== null && r.holder !== holder);
  if (otherCopy !== undefined) {
    await releaseHeld(trx, orgId, eventName, messageId, holder);
    return { outcome: "busy", by: messageId, holder: otherCopy.holder };
  }
  const busy = others[0];
  if (busy !== undefined) {
    await releaseOwn(trx, orgId, eventName, keys, messageId);
    return { outcome: "busy", by: busy.message_id, holder: busy.holder };
  }
  return { outcome: "claimed" };
}

/**
 * Locks the message's claims for the transaction that records it; true when another delivery of
 * the same message recorded it already. A redelivery can overlap the delivery it repeats (its ack
 * wait ran out while NATS was away, the handler still at work): both pass claimKeys, both run the
 * idempotent actions, and the lock lets only the first record its runs.
 */
export async function lockClaimsForRecording(
  trx: Transaction<RulesEngineDB>,
  orgId: string,
  eventName: string,
  messageId: string,
): Promise<boolean> {
  const rows = await trx
    .withSchema(SCHEMA)
    .selectFrom("dedup_claims")
    .select("status")
    .where("org_id", "=", orgId)
    .where("event_name", "=", eventName)
    .where("message_id", "=", messageId)
    .forUpdate()
    .execute();
  return rows.some((r) => r.status === "done");
}

/** Marks the message's claims done, in the transaction that records what it did. */
export async function completeClaims(
  trx: Transaction<RulesEngineDB>,
  orgId: string,
  eventName: string,
  messageId: string,
): Promise<void> {
  await sql`update ${CLAIMS} set status = 'done', done_at = now()
    where org_id = ${orgId} and event_name = ${eventName} and message_id = ${messageId}`.execute(trx);
}

/** Frees a message's claims when it leaves for the dead-letter queue, so a retry (or a copy) may run. */
export async function releaseClaims(
  db: Kysely<RulesEngineDB>,
  orgId: string,
  eventName: string,
  messageId: string,
): Promise<void> {
  await unfinishedClaims(db, orgId, eventName, messageId).execute();
}

/**
 * Frees claims a stream copy left behind when it left the engine without freeing them (dead-lettered
 * while PostgreSQL was away): only that copy's, and only while still `processing`.
 */
export async function releaseAbandoned(
  db: Kysely<RulesEngineDB>,
  orgId: string,
  eventName: string,
  messageId: string,
  holder: string,
): Promise<number> {
  const result = await unfinishedClaims(db, orgId, eventName, messageId)
    .where("holder", "=", holder)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

async function releaseOwn(
  trx: Transaction<RulesEngineDB>,
  orgId: string,
  eventName: string,
  keys: DedupKey[],
  messageId: string,
): Promise<void> {
  await unfinishedClaims(trx, orgId, eventName, messageId)
    .where((eb) => eb.or(keys.map((k) => eb.and([eb("kind", "=", k.kind), eb("value", "=", k.value)]))))
    .execute();
}

/** Drops the claims this copy inserted, and only those: the copy holding the others is still at work. */
async function releaseHeld(
  trx: Transaction<RulesEngineDB>,
  orgId: string,
  eventName: string,
  messageId: string,
  holder: string,
): Promise<void> {
  await unfinishedClaims(trx, orgId, eventName, messageId).where("holder", "=", holder).execute();
}

/** Deletes a message's claims that are not done; the callers narrow it down. */
function unfinishedClaims(db: Kysely<RulesEngineDB>, orgId: string, eventName: string, messageId: string) {
  return db
    .withSchema(SCHEMA)
    .deleteFrom("dedup_claims")
    .where("org_id", "=", orgId)
    .where("event_name", "=", eventName)
    .where("message_id", "=", messageId)
    .where("status", "=", "processing");
}
