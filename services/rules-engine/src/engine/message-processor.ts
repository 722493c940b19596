import type { ConsumedMessage, HandlerOutcome } from "@switchboard/bus";
import { claimKeys, releaseClaims } from "./dedup-claims.js";
import { dedupKeys } from "./dedup-keys.js";
import { processInOneTransaction } from "./local-message.js";
import { evaluateRules, needsCommands, runMatch } from "./matches.js";
import { claimScope, recordMessage, type RuleRun } from "./run-recorder.js";
import { saveSample } from "./samples.js";
import { finished, recordOf, refused, type ProcessorDeps, type Triggered } from "./triggered.js";

export type { ProcessorDeps, Triggered } from "./triggered.js";

/**
 * Steps 3–6 of the engine. The rules are evaluated first (a pure function of the payload). When no
 * matched action sends a remote command, the claim, the runs, the emitted events and the claims'
 * end are one transaction. Otherwise the claim commits first, so no lock is held while commands
 * run; then the actions run as idempotent commands, and the runs are recorded and the claims
 * completed in a second transaction; then ack.
 */
export async function processTriggered(
  deps: ProcessorDeps,
  msg: ConsumedMessage,
  t: Triggered,
): Promise<HandlerOutcome> {
  const scope = claimScope(t.kind, t.name);
  const keys = dedupKeys(t.dedup, t.messageId, t.payload);
  const dedupKey = `${keys[0]!.kind}:${keys[0]!.value}`;
  const matches = evaluateRules(t.rules, t.payload);
  if (!needsCommands(matches)) {
    return processInOneTransaction(deps, msg, t, { scope, keys, dedupKey, matches });
  }
  const claim = await deps.db.transaction().execute(async (trx) => {
    if (t.sample !== undefined) await saveSample(trx, t.sample);
    return claimKeys(trx, t.orgId, scope, keys, t.messageId, String(msg.seq));
  });
  if (claim.outcome !== "claimed") return refused(deps, msg, t, scope, claim);

  const runs: RuleRun[] = [];
  try {
    for (const match of matches)
      runs.push(
        await runMatch(deps.call, { ...t, maxEventBytes: deps.source.maxEventBytes }, dedupKey, match),
      );
  } catch (error) {
    return retryOrGiveUp(deps, msg, t, scope, error);
  }
  const record = recordOf(t, dedupKey, runs);
  await recordMessage(deps.db, deps.source, record);
  return finished(deps, record);
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
