import type { Kysely } from "kysely";
import type { ConsumedMessage, HandlerOutcome } from "@switchboard/bus";
import type { Logger } from "@switchboard/logger";
import type { EventSource } from "@switchboard/outbox";
import type { CompiledRule, DedupSpec } from "@switchboard/rules";
import type { CommandCaller } from "@switchboard/runtime";
import type { ClaimOutcome } from "./dedup-claims.js";
import { outcomeOf } from "./matches.js";
import type { MessageRecord, RuleRun } from "./run-recorder.js";
import type { Sample } from "./samples.js";

export interface ProcessorDeps {
  db: Kysely<any>;
  source: EventSource;
  call: CommandCaller;
  logger: Logger;
  maxDeliver: number;
  /** Wakes the outbox relay after custom events were written. */
  eventsWritten(): void;
}

/** One message, once its trigger, payload and rules are known. */
export interface Triggered {
  orgId: string;
  kind: "inbound" | "event";
  name: string;
  messageId: string;
  traceId: string;
  payload: unknown;
  dedup: DedupSpec;
  rules: readonly CompiledRule[];
  /** An inbound message's first delivery, kept for dry runs; written with its claim. */
  sample?: Sample | undefined;
}

// A copy that finds its data claimed by another copy in flight looks again soon, since that copy is
// usually about to finish; after a few looks it waits on the consumer's backoff like any retry, so
// it outlasts a first copy that is itself retrying (a domain service down) instead of running out
// of deliveries and being dead-lettered while that copy still holds the claim.
const BUSY_RETRY_MS = 500;
const BUSY_QUICK_LOOKS = 3;

/** The message as its record transaction writes it; the claims are freed when a run failed. */
export function recordOf(t: Triggered, dedupKey: string, runs: RuleRun[]): MessageRecord {
  return {
    orgId: t.orgId,
    triggerKind: t.kind,
    triggerName: t.name,
    messageId: t.messageId,
    dedupKey,
    traceId: t.traceId,
    input: t.payload,
    runs,
    complete: runs.every((r) => r.status !== "failed"),
  };
}

/** After the record committed: wake the relay for emitted events, then ack or dead-letter. */
export function finished(deps: ProcessorDeps, record: MessageRecord): HandlerOutcome {
  if (record.runs.some((r) => r.actions.some((a) => a.outcome === "emit"))) deps.eventsWritten();
  return outcomeOf(record.runs);
}

/** A claim that was not granted: a duplicate is acked, a busy copy looks again later. */
export function refused(
  deps: ProcessorDeps,
  msg: ConsumedMessage,
  t: Triggered,
  claim: Exclude<ClaimOutcome, { outcome: "claimed" }>,
): HandlerOutcome {
  if (claim.outcome === "duplicate") {
    deps.logger.info(
      { org: t.orgId, trigger: t.name, messageId: t.messageId, of: claim.of },
      "duplicate message skipped",
    );
    return { kind: "ack" };
  }
  return {
    kind: "retry",
    reason: `same data is being processed as message ${claim.by}`,
    ...(msg.deliveryCount <= BUSY_QUICK_LOOKS ? { delayMs: BUSY_RETRY_MS } : {}),
  };
}
