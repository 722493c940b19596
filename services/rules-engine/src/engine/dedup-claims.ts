import { createHash } from "node:crypto";
import { sql, type Kysely, type Selectable, type Transaction } from "kysely";
import { executeTogether, jsonRecords, type Statement } from "@switchboard/db";
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

// The claims' statements run for every batch: written as SQL templates, whose parameters kysely
// numbers, rather than built by the query builder each time.
const CLAIMS = sql.table(`${SCHEMA}.dedup_claims`);

/**
 * A key as its claim stores it. Claims are kept for ever, so a key made of payload fields (a
 * patient number and a date) is stored as its SHA-256, never as the data; the payload's own key is a
 * hash already, and the message id is kept as it is (the claim names the message anyway).
 */
export function storedKey(key: DedupKey): DedupKey {
  if (key.kind !== "key") return key;
  // A batch's statements each name its keys (claim, lock for recording, complete): hashed once.
  let stored = storedKeys.get(key);
  if (stored === undefined) {
    stored = { kind: "key", value: createHash("sha256").update(key.value, "utf8").digest("hex") };
    storedKeys.set(key, stored);
  }
  return stored;
}

const storedKeys = new WeakMap<DedupKey, DedupKey>();

/** One message's claim: its keys, for one org's event, as one stream copy (`holder`, its sequence). */
export interface ClaimRequest {
  orgId: string;
  eventName: string;
  messageId: string;
  holder: string;
  keys: DedupKey[];
}

/** A message's claims, as one org's event names them. */
export type ClaimRef = Pick<ClaimRequest, "orgId" | "eventName" | "messageId">;

const rowKey = (orgId: string, eventName: string, kind: string, value: string) =>
  tupleKey([orgId, eventName, kind, value]);

/** One string per tuple of strings, told apart whatever they hold (each part led by its length). */
function tupleKey(parts: readonly string[]): string {
  let key = "";
  for (const part of parts) key += `${part.length}:${part}`;
  return key;
}

/**
 * Claims the keys of a batch of messages in the caller's short transaction, which holds them locked
 * until it ends. One statement when every key is new (the usual case: it inserts them, and `with`,
 * a statement to run alongside, e.g. the batch's samples); otherwise two more (read every key's claim
 * locked, drop what refused messages inserted). Claims persist without time limit, so dedup
 * outlives the broker's duplicate window; no lock is held while the messages' actions run. Keys are
 * written and locked in one order, so batches of two replicas that share keys wait for each other,
 * not deadlock. A redelivery of the copy holding a claim (`holder`) may take it over, but another
 * copy of the same id (posted over HTTP and published on NATS) must wait for it. Two messages of one
 * batch with the same data: the first claims it, the second is busy until the first is done.
 */
export async function claimBatch(
  trx: Transaction<RulesEngineDB>,
  requests: readonly ClaimRequest[],
  alongside?: Statement,
): Promise<ClaimOutcome[]> {
  if (requests.length === 0) {
    if (alongside !== undefined) await executeTogether<RulesEngineDB>(trx, [alongside]);
    return [];
  }
  const stored = requests.map((r) => ({ ...r, keys: r.keys.map(storedKey) }));
  const keys = keysOf(requests);
  const inserted = await executeTogether<RulesEngineDB, ClaimKeyRow>(trx, [
    ...(alongside === undefined ? [] : [alongside]),
    sql`insert into ${CLAIMS} (org_id, event_name, kind, value, message_id, status, holder)
    select org_id, event_name, kind, value, message_id, 'processing', holder from ${claimRecords(keys)}
    on conflict (org_id, event_name, kind, value) do nothing
    returning org_id, event_name, kind, value, message_id, holder`,
  ]);
  // A key this statement wrote for the copy asking is that copy's, locked by this transaction: a
  // copy whose keys all are is claimed, with nothing more to read.
  const mine = new Set(
    inserted.map((row) =>
      tupleKey([row.org_id, row.event_name, row.kind, row.value, row.message_id, row.holder]),
    ),
  );
  if (
    stored.every((r) =>
      r.keys.every((k) => mine.has(tupleKey([r.orgId, r.eventName, k.kind, k.value, r.messageId, r.holder]))),
    )
  )
    return stored.map(() => ({ outcome: "claimed" }));
  const { rows: found } = await lockedKeys(keys).execute(trx);
  const byKey = new Map(found.map((row) => [rowKey(row.org_id, row.event_name, row.kind, row.value), row]));
  const releases: Release[] = [];
  const outcomes = stored.map((r) => {
    const claims = r.keys.flatMap((k) => byKey.get(rowKey(r.orgId, r.eventName, k.kind, k.value)) ?? []);
    const decided = decide(r, claims);
    if (decided.release !== undefined) releases.push(decided.release);
    return decided.outcome;
  });
  await releaseRefused(trx, releases);
  return outcomes;
}

/**
 * The claims of messages recorded in the same statement, written done at once (claimBatch's first
 * statement and the record's completion in one). A plain insert: a key any claim holds already,
 * committed or not (a duplicate, a copy at work, another message with the same data), or a key two
 * of the messages share, fails the whole statement with a unique violation (isClaimTaken), so
 * nothing of it is written and the batch goes the claimBatch way. Undefined for no messages.
 */
export function insertingDoneClaims(requests: readonly ClaimRequest[]): Statement | undefined {
  if (requests.length === 0) return undefined;
  return sql`insert into ${CLAIMS} (org_id, event_name, kind, value, message_id, status, holder, done_at)
    select org_id, event_name, kind, value, message_id, 'done', holder, now()
    from ${claimRecords(keysOf(requests))}`;
}

/**
 * The keys as claim rows, in their order (the order every statement writes and locks them in), with
 * the holder of their message where it is known.
 */
function claimRecords(keys: readonly (KeyRow & { of?: { holder: string } })[]) {
  return jsonRecords(
    `${SCHEMA}.dedup_claims`,
    keys.map((k) => ({
      org_id: k.orgId,
      event_name: k.eventName,
      kind: k.kind,
      value: k.value,
      message_id: k.messageId,
      holder: k.of?.holder ?? null,
    })),
  );
}

/** Whether the error is insertingDoneClaims' refusal: a key it wrote was taken. */
export function isClaimTaken(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === "23505" && constraint === "dedup_claims_pk";
}

/** A claim as the insert returns it. */
interface ClaimKeyRow {
  org_id: string;
  event_name: string;
  kind: string;
  value: string;
  message_id: string;
  holder: string;
}

/** What a refused message frees of what it inserted: its keys, or what its own stream copy holds. */
type Release = { ref: ClaimRef; keys: DedupKey[] } | { ref: ClaimRef; holder: string };

/** One message's outcome from the claims of its keys, as they stand locked. */
function decide(r: ClaimRequest, rows: ClaimRow[]): { outcome: ClaimOutcome; release?: Release } {
  const others = rows.filter((row) => row.message_id !== r.messageId);
  const done = others.find((row) => row.status === "done");
  if (done !== undefined)
    return { outcome: { outcome: "duplicate", of: done.message_id }, release: { ref: r, keys: r.keys } };
  if (rows.some((row) => row.message_id === r.messageId && row.status === "done"))
    return { outcome: { outcome: "duplicate", of: r.messageId } };
  const otherCopy = rows.find(
    (row) => row.message_id === r.messageId && row.holder !== null && row.holder !== r.holder,
  );
  if (otherCopy !== undefined)
    return {
      outcome: { outcome: "busy", by: r.messageId, holder: otherCopy.holder },
      release: { ref: r, holder: r.holder },
    };
  const busy = others[0];
  if (busy !== undefined)
    return {
      outcome: { outcome: "busy", by: busy.message_id, holder: busy.holder },
      release: { ref: r, keys: r.keys },
    };
  return { outcome: { outcome: "claimed" } };
}

/** Drops, in one statement, the unfinished claims refused messages inserted and must not keep. */
async function releaseRefused(trx: Transaction<RulesEngineDB>, releases: Release[]): Promise<void> {
  if (releases.length === 0) return;
  await sql`delete from ${CLAIMS} where status = 'processing' and (${sql.join(
    releases.map((rel) =>
      "holder" in rel
        ? sql`(${sameMessage(rel.ref)} and holder = ${rel.holder})`
        : sql`(${sameMessage(rel.ref)} and (kind, value) in (${sql.join(rel.keys.map((k) => sql`(${k.kind}, ${k.value})`))}))`,
    ),
    sql` or `,
  )})`.execute(trx);
}

const sameMessage = (ref: ClaimRef) =>
  sql`(org_id = ${ref.orgId} and event_name = ${ref.eventName} and message_id = ${ref.messageId})`;

/** A message's claims: its keys, as claimBatch was given them. */
export interface ClaimedMessage extends ClaimRef {
  keys: readonly DedupKey[];
}

interface KeyRow {
  orgId: string;
  eventName: string;
  kind: string;
  value: string;
  /** The message asking for the key. */
  messageId: string;
}

/**
 * The claims of these keys (stored form), each looked up by the primary key and locked, in the
 * order given; `held`: only those the asking message holds. A lateral lookup that locks cannot be
 * turned into a join, so PostgreSQL reads each claim through the primary key even before the table
 * has statistics (a join let it scan the table, or take the message index for it).
 */
export function lockedKeys(keys: readonly KeyRow[], which: "all" | "held" = "all") {
  return sql<ClaimRow & { org_id: string; event_name: string; id: string }>`
    select c.ctid as id, c.org_id, c.event_name, c.kind, c.value, c.message_id, c.status, c.holder
    from ${claimRecords(keys)} as k
    cross join lateral (select ctid, * from ${CLAIMS} c
      where c.org_id = k.org_id and c.event_name = k.event_name and c.kind = k.kind and c.value = k.value
      for update) c
    ${which === "held" ? sql`where c.message_id = k.message_id` : sql``}`;
}

/**
 * The messages' keys as their claims store them, each with its message, in the one order every
 * statement writes and locks them in.
 */
function keysOf<M extends ClaimedMessage>(messages: readonly M[]): (KeyRow & { of: M })[] {
  return messages
    .flatMap((m) =>
      m.keys.map((key) => {
        const { kind, value } = storedKey(key);
        return { orgId: m.orgId, eventName: m.eventName, messageId: m.messageId, kind, value, of: m };
      }),
    )
    .sort(
      (a, b) =>
        compare(a.orgId, b.orgId) ||
        compare(a.eventName, b.eventName) ||
        compare(a.kind, b.kind) ||
        compare(a.value, b.value),
    );
}

/** The claims the messages hold, locked. */
export const claimsOf = (messages: readonly ClaimedMessage[]) => lockedKeys(keysOf(messages), "held");

/**
 * Locks the claims of the messages a transaction is about to record; the ids of those another
 * delivery of the same message recorded already. A redelivery can overlap the delivery it repeats
 * (its ack wait ran out while NATS was away, the handler still at work): both pass the claim, both
 * run the idempotent actions, and the lock lets only the first record its runs.
 */
export async function lockForRecording(
  trx: Transaction<RulesEngineDB>,
  messages: readonly ClaimedMessage[],
): Promise<Set<string>> {
  if (messages.length === 0) return new Set();
  const { rows } = await claimsOf(messages).execute(trx);
  return new Set(
    rows
      .filter((r) => r.status === "done")
      .map((r) => refKey({ orgId: r.org_id, eventName: r.event_name, messageId: r.message_id })),
  );
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Names a message's claims in the sets lockForRecording returns. */
export const refKey = (ref: ClaimRef): string => JSON.stringify([ref.orgId, ref.eventName, ref.messageId]);

/** The row ids of the claims the messages hold, found as claimsOf finds them (then updated or deleted by id). */
const heldBy = (messages: readonly ClaimedMessage[], status?: "processing") =>
  sql`array(select l.id from (${claimsOf(messages)}) l ${status === undefined ? sql`` : sql`where l.status = ${status}`})`;

/** Marks the messages' claims done, in the transaction that records what they did. */
export const completing = (messages: readonly ClaimedMessage[]) =>
  sql`update ${CLAIMS} set status = 'done', done_at = now() where ctid = any(${heldBy(messages)})`;

/** Frees messages' unfinished claims when they leave for the dead-letter queue, so a retry (or a copy) may run. */
export async function releaseClaims(
  db: Kysely<RulesEngineDB>,
  messages: readonly ClaimedMessage[],
): Promise<void> {
  if (messages.length === 0) return;
  await releasing(messages).execute(db);
}

export const releasing = (messages: readonly ClaimedMessage[]) =>
  sql`delete from ${CLAIMS} where ctid = any(${heldBy(messages, "processing")})`;

/**
 * Frees claims a stream copy left behind when it left the engine without freeing them (dead-lettered
 * while PostgreSQL was away): only that copy's, and only while still `processing`.
 */
export async function releaseAbandoned(
  db: Kysely<RulesEngineDB>,
  ref: ClaimRef,
  holder: string,
): Promise<number> {
  const result = await sql`delete from ${CLAIMS}
    where status = 'processing' and ${sameMessage(ref)} and holder = ${holder}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
