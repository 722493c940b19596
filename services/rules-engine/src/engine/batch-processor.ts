import type { BatchHandler, ConsumedMessage, HandlerOutcome } from "@switchboard/bus";
import { claimBatch, releaseClaims, type ClaimOutcome } from "./dedup-claims.js";
import { dedupKeyName, dedupKeys, type DedupKey } from "./dedup-keys.js";
import type { IntakeOf } from "./intake.js";
import { evaluateRules, needsCommands, outcomeOf, runMatch, type Match } from "./matches.js";
import {
  claimScope,
  recordClaimingAtOnce,
  recordMessages,
  writeRecords,
  type MessageRecord,
  type RuleRun,
} from "./run-recorder.js";
import { insertingSamples, SamplePruner, SampleRate, type Sample } from "./samples.js";
import { recordOf, refused, type ProcessorDeps, type Triggered } from "./triggered.js";

/** A triggered message of the batch, its rules evaluated. */
interface Work {
  index: number;
  msg: ConsumedMessage;
  t: Triggered;
  scope: string;
  keys: DedupKey[];
  /** Names the message in its actions' idempotency keys. */
  dedupKey: string;
  matches: Match[];
  /** What it did, made before the claim when no matched action calls another service. */
  local?: MessageRecord;
}

/**
 * The rules engine's one processing path, a batch of messages at a time:
 *
 * 1. Intake: each message is parsed, validated against its declared schema and its candidate rules
 *    evaluated, in memory. A message refused here (undeclared, invalid) is settled at once.
 * 2. Claim: the usual batch, every message delivered for the first time and recorded in the engine
 *    (nothing matched, or `emit`, which writes to the engine's own outbox, claimed for its relay),
 *    is claimed (its claims written done), recorded and its events enqueued in one statement with
 *    its samples, outside any transaction. A key already taken fails that statement as a whole,
 *    writing nothing, and the batch goes this way instead: one transaction writes the batch's
 *    samples and claims every message's dedup keys (one statement when every key is new), and
 *    records at once the messages whose matched actions stay in the engine: their runs, events and
 *    claims' end commit with their claim. Either way the events go to the relay as soon as they are
 *    committed. A duplicate is acked; a message whose data another one holds is retried.
 * 3. Act: the claimed messages whose actions call other services run them, side by side, each
 *    message's actions in order, as idempotent commands keyed by the message.
 * 4. Record: one transaction records their runs and completes their claims; then every message is
 *    acked or dead-lettered on its own outcome.
 *
 * No lock is held while commands run. A message that fails alone (a command down, its retries
 * spent) gets its own outcome; the batch goes on.
 */
export function batchProcessor(deps: ProcessorDeps, intakeOf: IntakeOf): BatchHandler {
  const pruner = new SamplePruner(deps.db, deps.logger);
  const sampleRate = new SampleRate();
  const keep = (sample: Sample | undefined): sample is Sample =>
    sample !== undefined && sampleRate.admits(sample);
  return async (messages) => {
    const outcomes: HandlerOutcome[] = new Array<HandlerOutcome>(messages.length);
    const samples: Sample[] = [];
    const work: Work[] = [];
    messages.forEach((msg, index) => {
      const intake = intakeOf(msg);
      if (intake.kind === "settled") {
        outcomes[index] = intake.outcome;
        if (keep(intake.sample)) samples.push(intake.sample);
        return;
      }
      const t = intake.triggered;
      if (keep(t.sample)) samples.push(t.sample);
      const keys = dedupKeys(t.dedup, t.messageId, t.payload);
      work.push({
        index,
        msg,
        t,
        scope: claimScope(t.kind, t.name),
        keys,
        dedupKey: dedupKeyName(keys),
        matches: evaluateRules(t.rules, t.payload, t.time?.getTime()),
      });
    });
    if (samples.length === 0 && work.length === 0) return outcomes;

    // No action here calls out, so these runs do no I/O and throw nothing transient.
    for (const w of work)
      if (!needsCommands(w.matches)) w.local = recordOf(w.t, w.keys, await runMatches(deps, w));
    if (await recordedAtOnce(deps, work, samples, outcomes)) {
      pruner.written(samples);
      return outcomes;
    }
    const claims = await deps.db.transaction().execute(async (trx) => {
      const claimed = await claimBatch(
        trx,
        work.map((w) => ({
          orgId: w.t.orgId,
          eventName: w.scope,
          messageId: w.t.messageId,
          holder: String(w.msg.seq),
          keys: w.keys,
        })),
        insertingSamples(samples),
      );
      const emitted = await writeRecords(
        trx,
        deps.source,
        deps.outbox.claim,
        work.flatMap((w, i) => (claimed[i]!.outcome === "claimed" && w.local ? [w.local] : [])),
      );
      return { claimed, emitted };
    });
    deps.outbox.publish(claims.emitted);
    pruner.written(samples);

    const remote: Work[] = [];
    await Promise.all(
      work.map(async (w, i) => {
        const claim: ClaimOutcome = claims.claimed[i]!;
        if (claim.outcome !== "claimed") outcomes[w.index] = await refused(deps, w.msg, w.t, w.scope, claim);
        else if (w.local !== undefined) outcomes[w.index] = outcomeOf(w.local.runs);
        else remote.push(w);
      }),
    );
    if (remote.length > 0) await actAndRecord(deps, remote, outcomes);
    return outcomes;
  };
}

/**
 * The usual batch in one statement (recordClaimingAtOnce): when every message is delivered for the
 * first time and recorded in the engine, completing its claims. False, with nothing written, when
 * the batch is not of that kind or a key of it was taken: then each message is decided on its own.
 */
async function recordedAtOnce(
  deps: ProcessorDeps,
  work: Work[],
  samples: Sample[],
  outcomes: HandlerOutcome[],
): Promise<boolean> {
  if (work.length === 0 || !work.every((w) => w.local?.complete === true && w.msg.deliveryCount === 1))
    return false;
  const emitted = await recordClaimingAtOnce(
    deps.db,
    deps.source,
    deps.outbox.claim,
    work.map((w) => ({ record: w.local!, holder: String(w.msg.seq) })),
    insertingSamples(samples),
  );
  if (emitted === undefined) return false;
  deps.outbox.publish(emitted);
  for (const w of work) outcomes[w.index] = outcomeOf(w.local!.runs);
  return true;
}

/** A message's matched rules run in order; a transient failure of an action is thrown. */
async function runMatches(deps: ProcessorDeps, w: Work): Promise<RuleRun[]> {
  const runs: RuleRun[] = [];
  for (const match of w.matches)
    runs.push(
      await runMatch(deps.call, { ...w.t, maxEventBytes: deps.source.maxEventBytes }, w.dedupKey, match),
    );
  return runs;
}

/** Steps 3 and 4 for the claimed messages whose actions call other services. */
async function actAndRecord(deps: ProcessorDeps, remote: Work[], outcomes: HandlerOutcome[]): Promise<void> {
  const records: Array<{ w: Work; record: MessageRecord }> = [];
  const gaveUp: Work[] = [];
  await Promise.all(
    remote.map(async (w) => {
      try {
        records.push({ w, record: recordOf(w.t, w.keys, await runMatches(deps, w)) });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (w.msg.deliveryCount < deps.maxDeliver) outcomes[w.index] = { kind: "retry", reason };
        else {
          gaveUp.push(w);
          outcomes[w.index] = {
            kind: "dead",
            stage: "rules",
            reason: `gave up after ${w.msg.deliveryCount} deliveries: ${reason}`,
          };
        }
      }
    }),
  );
  try {
    deps.outbox.publish(
      await recordMessages(
        deps.db,
        deps.source,
        deps.outbox.claim,
        records.map((r) => r.record),
      ),
    );
  } catch (error) {
    // The actions ran (idempotently): a redelivery of the same copy takes its claim over and records them.
    const reason = `recording the rule runs failed: ${error instanceof Error ? error.message : String(error)}`;
    for (const { w } of records) outcomes[w.index] = { kind: "retry", reason };
    return;
  }
  // Recorded: each is acked or dead-lettered on its runs' outcome.
  for (const { w, record } of records) outcomes[w.index] = outcomeOf(record.runs);
  // Out of retries: free the claims so a retry from the dead-letter desk (or a copy) can run. Should
  // that fail, the batch is retried (its recorded messages are duplicates then), and claims a message
  // leaves behind when the loop dead-letters it are freed by the next copy that finds them abandoned.
  await releaseClaims(
    deps.db,
    gaveUp.map((w) => ({ orgId: w.t.orgId, eventName: w.scope, messageId: w.t.messageId, keys: w.keys })),
  );
}
