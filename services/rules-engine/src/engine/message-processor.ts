import type { Kysely } from "kysely";
import type { ConsumedMessage, HandlerOutcome } from "@switchboard/bus";
import type { Logger } from "@switchboard/logger";
import type { EventSource } from "@switchboard/outbox";
import type { CompiledRule, DedupSpec } from "@switchboard/rules";
import type { CommandCaller } from "@switchboard/runtime";
import { runActions, type ActionResult } from "./action-runner.js";
import { claimKeys, releaseClaims } from "./dedup-claims.js";
import { dedupKeys } from "./dedup-keys.js";
import { claimScope, recordMessage, type RuleRun } from "./run-recorder.js";
import { saveSample, type Sample } from "./samples.js";

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

/**
 * Steps 3–6 of the engine: claim the dedup keys, evaluate the rules, run their actions as
 * idempotent commands, record the runs and complete the claims in one transaction, then ack.
 */
export async function processTriggered(
  deps: ProcessorDeps,
  msg: ConsumedMessage,
  t: Triggered,
): Promise<HandlerOutcome> {
  const scope = claimScope(t.kind, t.name);
  const keys = dedupKeys(t.dedup, t.messageId, t.payload);
  const claim = await deps.db.transaction().execute(async (trx) => {
    if (t.sample !== undefined) await saveSample(trx, t.sample);
    return claimKeys(trx, t.orgId, scope, keys, t.messageId, String(msg.seq));
  });
  if (claim.outcome === "duplicate") {
    deps.logger.info(
      { org: t.orgId, trigger: t.name, messageId: t.messageId, of: claim.of },
      "duplicate message skipped",
    );
    return { kind: "ack" };
  }
  if (claim.outcome === "busy")
    return {
      kind: "retry",
      reason: `same data is being processed as message ${claim.by}`,
      ...(msg.deliveryCount <= BUSY_QUICK_LOOKS ? { delayMs: BUSY_RETRY_MS } : {}),
    };

  const dedupKey = `${keys[0]!.kind}:${keys[0]!.value}`;
  const runs: RuleRun[] = [];
  try {
    for (const rule of t.rules) {
      const evaluation = rule.evaluate(t.payload);
      if (!evaluation.matched) continue;
      if ("error" in evaluation) {
        runs.push({ rule, status: "failed", actions: [], error: evaluation.error });
        continue;
      }
      const results = await runActions(
        { orgId: t.orgId, dedupKey, traceId: t.traceId, call: deps.call },
        rule,
        evaluation.actions,
      );
      const failed = results.find(
        (r): r is Extract<ActionResult, { outcome: "failed" }> => r.outcome === "failed",
      );
      runs.push(
        failed
          ? {
              rule,
              status: "failed",
              actions: results,
              error: `action ${failed.index} (${failed.type}): ${failed.error.message}`,
            }
          : { rule, status: "succeeded", actions: results },
      );
    }
  } catch (error) {
    return retryOrGiveUp(deps, msg, t, scope, error);
  }

  const failures = runs.filter((r) => r.status === "failed");
  const record = {
    orgId: t.orgId,
    triggerKind: t.kind,
    triggerName: t.name,
    messageId: t.messageId,
    dedupKey,
    traceId: t.traceId,
    input: t.payload,
    runs,
  };
  await recordMessage(deps.db, deps.source, { ...record, complete: failures.length === 0 });
  if (runs.some((r) => r.actions.some((a) => a.outcome === "emit"))) deps.eventsWritten();
  if (failures.length === 0) return { kind: "ack" };
  await releaseClaims(deps.db, t.orgId, scope, t.messageId);
  return {
    kind: "dead",
    stage: "action-failed",
    reason: failures.map((f) => `rule ${f.rule.id}@${f.rule.version}: ${f.error}`).join("; "),
    details: failures.map((f) => ({ ruleId: f.rule.id, version: f.rule.version, error: f.error })),
  };
}

async function retryOrGiveUp(
  deps: ProcessorDeps,
  msg: ConsumedMessage,
  t: Triggered,
  scope: string,
  error: unknown,
): Promise<HandlerOutcome> {
  const reason = error instanceof Error ? error.message : String(error);
  if (msg.deliveryCount < deps.maxDeliver) return { kind: "retry", reason };
  // Out of retries: free the claims so a retry from the dead-letter desk (or a copy) can run.
  await releaseClaims(deps.db, t.orgId, scope, t.messageId);
  return { kind: "dead", stage: "rules", reason: `gave up after ${msg.deliveryCount} deliveries: ${reason}` };
}
