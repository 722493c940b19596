import { listDeadLetters } from "./dead-letter-queries.js";
import { retryDeadLetter, type RetryDeps, type RetryResult } from "./retry-dead-letter.js";

/** Named entries, or the open ones (of a stage) after a cursor. */
export type RetrySelection =
  { ids: number[] } | { status: "open"; stage?: string; after: number; limit: number };

export interface RetryBatch {
  results: RetryResult[];
  /** For a selection by status: pass as `after` to go on; null once the scan reached the end. */
  next: number | null;
}

/** One entry after another, so a large batch does not flood the origin's consumers at once. */
export async function retryMany(
  deps: RetryDeps,
  orgId: string,
  selection: RetrySelection,
  by: string,
): Promise<RetryBatch> {
  let ids: number[];
  let next: number | null = null;
  if ("ids" in selection) {
    ids = selection.ids;
  } else {
    const page = await listDeadLetters(deps, orgId, {
      ...(selection.stage === undefined ? {} : { stage: selection.stage }),
      status: "open",
      after: selection.after,
      limit: selection.limit,
    });
    ids = page.deadLetters.map((d) => d.id);
    next = page.next;
  }
  const results: RetryResult[] = [];
  for (const id of ids) results.push(await retryDeadLetter(deps, orgId, id, by));
  return { results, next };
}
