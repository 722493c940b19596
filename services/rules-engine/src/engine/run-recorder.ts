import { createHash } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import { buildEvent, eventSubject } from "@switchboard/events";
import { executeTogether, type Statement } from "@switchboard/db";
import {
  enqueuingClaimedEvents,
  type EventSource,
  type OutboxClaim,
  type OutboxMessage,
  type OutboxRow,
} from "@switchboard/outbox";
import type { CompiledRule } from "@switchboard/rules";
import type { ActionResult } from "./action-runner.js";
import { insertingRuleRuns } from "../rule-run.repository.js";
import {
  completing,
  insertingDoneClaims,
  isClaimTaken,
  lockForRecording,
  refKey,
  releasing,
  type ClaimedMessage,
} from "./dedup-claims.js";
import type { DedupKey } from "./dedup-keys.js";
import {
  cancellingTimers,
  recordingCancellations,
  startingTimers,
  type TimerCancel,
  type TimerStart,
} from "../timers/timer.repository.js";

import { SCHEMA } from "../migrations.js";
import type { RulesEngineDB } from "../rules-engine.tables.js";

export interface RuleRun {
  rule: CompiledRule;
  status: "succeeded" | "failed";
  actions: ActionResult[];
  error?: string;
  /** The timer a rule with a timer starts, written with the run. */
  timer?: TimerStart;
}

export interface MessageRecord {
  orgId: string;
  triggerKind: "inbound" | "event";
  triggerName: string;
  messageId: string;
  dedupKey: string;
  /** The message's dedup keys: the claims its record ends. */
  keys: DedupKey[];
  traceId: string;
  input: unknown;
  runs: RuleRun[];
  /** Mark the dedup claims done; false when the message leaves for the DLQ: free them, so a retry may run it. */
  complete: boolean;
  /** The pending timers this message cancels (it is the follow-up their rules wait for). */
  cancels?: TimerCancel[];
}

/** A stable event id per emit action, so a re-run of the same message emits nothing new. */
export function emittedMessageId(idempotencyKey: string): string {
  const h = createHash("sha256").update(`emit:${idempotencyKey}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * In one transaction: the messages' rule runs (what fired, on what input, what it did), the custom
 * events their rules emit, and their dedup claims marked done (or freed). Either all of it is
 * recorded, or none and the messages are retried; a message another delivery recorded first (an
 * overlapping redelivery) is left out. Answers the outbox rows of the emitted events, claimed for
 * `claim`'s relay, to hand over now that they are committed.
 */
export async function recordMessages(
  db: Kysely<RulesEngineDB>,
  source: EventSource,
  claim: OutboxClaim,
  records: readonly MessageRecord[],
): Promise<OutboxRow[]> {
  if (records.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    const recorded = await lockForRecording(trx, records.map(refOf));
    return writeRecords(
      trx,
      source,
      claim,
      records.filter((r) => !recorded.has(refKey(refOf(r)))),
    );
  });
}

/** The claims a message record ends. */
export function refOf(record: MessageRecord): ClaimedMessage {
  return {
    orgId: record.orgId,
    eventName: claimScope(record.triggerKind, record.triggerName),
    messageId: record.messageId,
    keys: record.keys,
  };
}

/**
 * What recordMessages writes, in a transaction that holds the messages' claims locked already, as
 * one statement: all their runs, the claims they complete and those they free, and last all their
 * emitted events, enqueued claimed for `claim`'s relay (none of these parts reads another's rows).
 * Answers the emitted events' outbox rows, to hand to the relay after the commit.
 */
export async function writeRecords(
  trx: Transaction<RulesEngineDB>,
  source: EventSource,
  claim: OutboxClaim,
  records: readonly MessageRecord[],
): Promise<OutboxRow[]> {
  if (records.length === 0) return [];
  const completed = records.filter((r) => r.complete).map(refOf);
  const freed = records.filter((r) => !r.complete).map(refOf);
  return writeTogether(trx, source, claim, records, [
    completed.length > 0 ? completing(completed) : undefined,
    freed.length > 0 ? releasing(freed) : undefined,
  ]);
}

/** A message record whose claims are written with it, as the stream copy `holder`. */
export interface ClaimingRecord {
  record: MessageRecord;
  holder: string;
}

/**
 * A batch's usual case as one statement, outside any transaction: messages whose keys are all new
 * and whose records complete them are claimed (their claims written done), recorded and their
 * events enqueued all at once, with `alongside` (the batch's samples). If any key is taken, the
 * statement fails as a whole and writes nothing: the answer is then undefined, and the batch goes
 * the way of claimBatch and writeRecords, which decide each message. Otherwise it answers the
 * emitted events' outbox rows, to hand to the relay.
 */
export async function recordClaimingAtOnce(
  db: Kysely<RulesEngineDB>,
  source: EventSource,
  claim: OutboxClaim,
  claiming: readonly ClaimingRecord[],
  alongside?: Statement,
): Promise<OutboxRow[] | undefined> {
  const records = claiming.map((c) => c.record);
  if (records.some((r) => !r.complete)) throw new Error("recordClaimingAtOnce takes completing records only");
  try {
    return await writeTogether(db, source, claim, records, [
      alongside,
      insertingDoneClaims(
        claiming.map(({ record, holder }) => ({ ...refOf(record), keys: record.keys, holder })),
      ),
    ]);
  } catch (error) {
    if (isClaimTaken(error)) return undefined;
    throw error;
  }
}

/**
 * The records' runs, timers and cancellations with `claims` (statements on their claims), and last
 * their emitted events, enqueued claimed for `claim`'s relay, as one statement (none of its parts
 * reads another's rows). Answers the emitted events' outbox rows.
 */
async function writeTogether(
  db: Kysely<RulesEngineDB>,
  source: EventSource,
  claim: OutboxClaim,
  records: readonly MessageRecord[],
  claims: readonly (Statement | undefined)[],
): Promise<OutboxRow[]> {
  const events = records.flatMap((record) =>
    record.runs.flatMap((run) =>
      run.actions
        .filter((a) => a.outcome === "emit")
        .map((action) => emitted(source, record, run.rule, action)),
    ),
  );
  const rows = await executeTogether<RulesEngineDB, OutboxRow>(
    db,
    [
      insertingRuleRuns(
        records.flatMap((record) =>
          record.runs.map((run) => ({
            orgId: record.orgId,
            ruleId: run.rule.id,
            version: run.rule.version,
            trigger: { kind: record.triggerKind, name: record.triggerName },
            messageId: record.messageId,
            dedupKey: record.dedupKey,
            status: run.status,
            input: record.input,
            actions: run.actions,
            error: run.error,
          })),
        ),
      ),
      ...claims,
      startingTimers(
        db,
        records.flatMap((r) => r.runs.flatMap((run) => (run.timer === undefined ? [] : [run.timer]))),
      ),
      recordingCancellations(
        db,
        records.flatMap((r) => r.cancels ?? []),
      ),
      cancellingTimers(records.flatMap((r) => r.cancels ?? [])),
      // Last: its rows are the statement's answer.
      enqueuingClaimedEvents(SCHEMA, events, claim),
    ].filter((statement) => statement !== undefined),
  );
  return events.length === 0 ? [] : rows;
}

/** The event an `emit` action writes to the outbox. */
export function emitted(
  source: EventSource,
  record: Pick<MessageRecord, "orgId" | "traceId">,
  rule: Pick<CompiledRule, "id" | "version">,
  action: ActionResult,
): OutboxMessage {
  const event = buildEvent({
    namespace: source.namespace,
    branch: source.branch,
    orgId: record.orgId,
    eventType: String(action.params.eventType),
    requestedBy: `rule:${rule.id}@${rule.version}`,
    traceId: record.traceId,
    info: action.params.info as Record<string, unknown>,
    messageId: emittedMessageId(action.idempotencyKey),
    now: source.now,
  });
  return { subject: eventSubject(source.namespace, record.orgId, event.messageType.split(".")[2]!), event };
}

/** Inbound names and event types share the claims table; the scope keeps them apart. */
export function claimScope(kind: "inbound" | "event", name: string): string {
  return kind === "inbound" ? name : `event:${name}`;
}
