import type { Kysely } from "kysely";
import type { ConsumedMessage, HandlerOutcome } from "@switchboard/bus";
import type { Logger } from "@switchboard/logger";
import type { EventSource, OutboxHandoff } from "@switchboard/outbox";
import type { CompiledRule, DedupSpec } from "@switchboard/rules";
import type { CommandCaller } from "@switchboard/runtime";
import { releaseAbandoned, type ClaimOutcome } from "./dedup-claims.js";
import { dedupKeyName, type DedupKey } from "./dedup-keys.js";
import type { MessageRecord, RuleRun } from "./run-recorder.js";
import type { Sample } from "./samples.js";
import { cancelsOf, type TimerTrigger } from "./timer-runs.js";
import type { RulesEngineDB } from "../rules-engine.tables.js";

export interface ProcessorDeps {
  db: Kysely<RulesEngineDB>;
  source: EventSource;
  call: CommandCaller;
  logger: Logger;
  maxDeliver: number;
  /** The relay the custom events are enqueued for, claimed, and handed to after the commit. */
  outbox: OutboxHandoff;
  /**
   * Whether the consumer has settled (acked, dead-lettered) every message up to this stream
   * sequence: a claim held by such a copy is no longer being worked on.
   */
  settled(seq: number): Promise<boolean>;
}

/** One message, once its trigger, payload and rules are known (its org, trigger, ids and payload: TimerTrigger). */
export interface Triggered extends TimerTrigger {
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
export function recordOf(t: Triggered, keys: DedupKey[], matched: RuleRun[]): MessageRecord {
  const { cancels, failures } = cancelsOf(t);
  const runs = failures.length === 0 ? matched : [...matched, ...failures];
  return {
    orgId: t.orgId,
    triggerKind: t.kind,
    triggerName: t.name,
    messageId: t.messageId,
    dedupKey: dedupKeyName(keys),
    keys,
    traceId: t.traceId,
    input: t.payload,
    runs,
    complete: runs.every((r) => r.status !== "failed"),
    ...(cancels.length === 0 ? {} : { cancels }),
  };
}

/**
 * A claim that was not granted: a duplicate is acked, a busy copy looks again later. Claims whose
 * holder the consumer has settled are abandoned (their message left for the dead-letter queue
 * while PostgreSQL was away, so they could not be freed then): they are freed, and the message
 * comes again at once to claim them, so neither a retry from the desk nor a later message with the
 * same data waits for ever.
 */
export async function refused(
  deps: ProcessorDeps,
  msg: ConsumedMessage,
  t: Triggered,
  scope: string,
  claim: Exclude<ClaimOutcome, { outcome: "claimed" }>,
): Promise<HandlerOutcome> {
  if (claim.outcome === "duplicate") {
    deps.logger.info(
      { org: t.orgId, trigger: t.name, messageId: t.messageId, of: claim.of },
      "duplicate message skipped",
    );
    return { kind: "ack" };
  }
  if (claim.holder !== null && /^\d+$/.test(claim.holder) && (await deps.settled(Number(claim.holder)))) {
    const freed = await releaseAbandoned(
      deps.db,
      { orgId: t.orgId, eventName: scope, messageId: claim.by },
      claim.holder,
    );
    deps.logger.warn(
      { org: t.orgId, trigger: t.name, messageId: t.messageId, of: claim.by, holder: claim.holder, freed },
      "freed dedup claims left by a delivery that has left the engine",
    );
    return {
      kind: "retry",
      reason: `claims of message ${claim.by} were abandoned and are freed`,
      delayMs: 0,
    };
  }
  return {
    kind: "retry",
    reason: `same data is being processed as message ${claim.by}`,
    ...(msg.deliveryCount <= BUSY_QUICK_LOOKS ? { delayMs: BUSY_RETRY_MS } : {}),
  };
}
