import type { ConsumedMessage, HandlerOutcome } from "@switchboard/bus";
import { claimKeys } from "./dedup-claims.js";
import type { DedupKey } from "./dedup-keys.js";
import { runMatch, type Match } from "./matches.js";
import { finished, recordOf, refused, type ProcessorDeps, type Triggered } from "./triggered.js";
import { writeRecord, type RuleRun } from "./run-recorder.js";
import { saveSample } from "./samples.js";

/**
 * A message none of whose matched actions calls another service (nothing matched, or only `emit`,
 * which the engine writes to its own outbox): the sample, the claim, the runs, the emitted events
 * and the claims' end are one transaction, one commit. A crash leaves it committed or not at all,
 * then redelivery. The claim's row locks are held only while it writes. A copy of the same id or
 * data in its own transaction waits on those locks, then finds the claims done (a duplicate) or
 * gone (rolled back: it claims them); a copy whose claim another delivery committed earlier, while
 * running commands, is `busy` as on the two-phase path.
 */
export async function processInOneTransaction(
  deps: ProcessorDeps,
  msg: ConsumedMessage,
  t: Triggered,
  claim: { scope: string; keys: DedupKey[]; dedupKey: string; matches: Match[] },
): Promise<HandlerOutcome> {
  const runs: RuleRun[] = [];
  // No action here calls out, so building the runs does no I/O and throws nothing transient.
  for (const match of claim.matches)
    runs.push(
      await runMatch(deps.call, { ...t, maxEventBytes: deps.source.maxEventBytes }, claim.dedupKey, match),
    );
  const record = recordOf(t, claim.dedupKey, runs);
  const outcome = await deps.db.transaction().execute(async (trx) => {
    if (t.sample !== undefined) await saveSample(trx, t.sample);
    const claimed = await claimKeys(trx, t.orgId, claim.scope, claim.keys, t.messageId, String(msg.seq));
    if (claimed.outcome !== "claimed") return claimed;
    await writeRecord(trx, deps.source, record);
    return claimed;
  });
  if (outcome.outcome !== "claimed") return refused(deps, msg, t, claim.scope, outcome);
  return finished(deps, record);
}
