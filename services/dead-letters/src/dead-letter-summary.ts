import { actionsOf } from "./action.repository.js";
import { stageTokenOf } from "./dead-letter-entry.js";
import type { QueryDeps } from "./dead-letter-queries.js";
import { statusOf, type EntryStatus } from "./entry-status.js";

export type StageCounts = Record<EntryStatus, number>;

export interface DeadLetterSummary {
  /** Keyed by the stage as the DLQ subject spells it. */
  stages: Record<string, StageCounts>;
  /** Entries counted. */
  scanned: number;
  /** False when the org has more entries than one summary reads: the counts cover the oldest ones. */
  complete: boolean;
}

/** Entries one summary reads at most (headers only, oldest first). */
export const SUMMARY_SCAN_CAP = 10_000;

export async function summarizeDeadLetters(deps: QueryDeps, orgId: string): Promise<DeadLetterSummary> {
  // A Map, not an object: a stage token could spell "__proto__".
  const stages = new Map<string, StageCounts>();
  let scanned = 0;
  let complete = true;
  // One more than the cap, to tell "exactly the cap" from "more than the cap".
  const scan = deps.reader.scan(orgId, { afterSeq: 0, max: SUMMARY_SCAN_CAP + 1, headersOnly: true });
  for await (const batch of scan) {
    const trails = await actionsOf(
      deps.db,
      orgId,
      batch.map((l) => l.seq),
    );
    for (const letter of batch) {
      if (scanned === SUMMARY_SCAN_CAP) {
        complete = false;
        break;
      }
      scanned += 1;
      const stage = stageTokenOf(letter.subject);
      const counts = stages.get(stage) ?? { open: 0, retried: 0, resolved: 0 };
      stages.set(stage, counts);
      counts[statusOf(trails.get(letter.seq) ?? [])] += 1;
    }
  }
  return { stages: Object.fromEntries(stages), scanned, complete };
}
