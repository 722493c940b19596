import { createHash } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import { buildEvent, eventSubject } from "@switchboard/events";
import { enqueueEvent, type EventSource } from "@switchboard/outbox";
import type { CompiledRule } from "@switchboard/rules";
import type { ActionResult } from "./action-runner.js";
import { insertRuleRuns } from "../rule-run.repository.js";
import { completeClaims, lockClaimsForRecording, releaseClaims } from "./dedup-claims.js";

import { SCHEMA } from "../migrations.js";
import type { RulesEngineDB } from "../rules-engine.tables.js";

export interface RuleRun {
  rule: CompiledRule;
  status: "succeeded" | "failed";
  actions: ActionResult[];
  error?: string;
}

export interface MessageRecord {
  orgId: string;
  triggerKind: "inbound" | "event";
  triggerName: string;
  messageId: string;
  dedupKey: string;
  traceId: string;
  input: unknown;
  runs: RuleRun[];
  /** Mark the dedup claims done; false when the message leaves for the DLQ: free them, so a retry may run it. */
  complete: boolean;
}

/** A stable event id per emit action, so a re-run of the same message emits nothing new. */
export function emittedMessageId(idempotencyKey: string): string {
  const h = createHash("sha256").update(`emit:${idempotencyKey}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * In one transaction: the rule runs (what fired, on what input, what it did), the custom events
 * the rules emit, and the dedup claims marked done (or freed). Either all of it is recorded, or
 * none and the message is retried; nothing, when an overlapping delivery of the message recorded
 * it first.
 */
export async function recordMessage(
  db: Kysely<RulesEngineDB>,
  source: EventSource,
  record: MessageRecord,
): Promise<void> {
  const scope = claimScope(record.triggerKind, record.triggerName);
  await db.transaction().execute(async (trx) => {
    if (await lockClaimsForRecording(trx, record.orgId, scope, record.messageId)) return;
    await writeRecord(trx, source, record);
  });
}

/** What recordMessage writes, in a transaction that holds the message's claims locked already. */
export async function writeRecord(
  trx: Transaction<RulesEngineDB>,
  source: EventSource,
  record: MessageRecord,
): Promise<void> {
  const scope = claimScope(record.triggerKind, record.triggerName);
  await insertRuleRuns(
    trx,
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
  );
  for (const run of record.runs) {
    for (const action of run.actions) {
      if (action.outcome === "emit") await enqueueEmitted(trx, source, record, run.rule, action);
    }
  }
  if (record.complete) await completeClaims(trx, record.orgId, scope, record.messageId);
  else await releaseClaims(trx, record.orgId, scope, record.messageId);
}

async function enqueueEmitted(
  trx: Transaction<RulesEngineDB>,
  source: EventSource,
  record: MessageRecord,
  rule: CompiledRule,
  action: ActionResult,
): Promise<void> {
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
  await enqueueEvent(
    trx,
    SCHEMA,
    { subject: eventSubject(source.namespace, record.orgId, event.messageType.split(".")[2]!), event },
    "ignore",
  );
}

/** Inbound names and event types share the claims table; the scope keeps them apart. */
export function claimScope(kind: "inbound" | "event", name: string): string {
  return kind === "inbound" ? name : `event:${name}`;
}
