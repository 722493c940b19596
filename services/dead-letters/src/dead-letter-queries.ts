import type { Kysely } from "kysely";
import type { Infer } from "@switchboard/contracts";
import { actionsOf, type ActionView } from "./action.repository.js";
import { toEntry, type DeadLetterEntry } from "./dead-letter-entry.js";
import type { DlqReader } from "./dlq-reader.js";
import { statusOf, type EntryStatus } from "./entry-status.js";
import type { DeadLettersDB } from "./dead-letters.tables.js";
import type { listQuery } from "./dead-letters.schemas.js";

/** A dead letter with what the desk did about it. */
export interface DeadLetterView extends DeadLetterEntry {
  status: EntryStatus;
  actions: ActionView[];
}

export interface QueryDeps {
  db: Kysely<DeadLettersDB>;
  reader: DlqReader;
}

/** `after`: the DLQ sequence to continue after (the previous page's `next`). */
export type ListQuery = Infer<typeof listQuery>;

export interface ListPage {
  deadLetters: DeadLetterView[];
  /** Pass as `after` for the next page; null when the scan reached the end of the stream. */
  next: number | null;
}

/**
 * Entries one list request reads at most. A status filter is applied after reading (the status lives
 * in PostgreSQL, the entries in the stream), so a page may come back short, or empty with a `next`,
 * when many entries in a row do not match.
 */
export const LIST_SCAN_CAP = 2_000;

export const viewOf = (entry: DeadLetterEntry, trail: ActionView[]): DeadLetterView => ({
  ...entry,
  status: statusOf(trail),
  actions: trail,
});

export async function findDeadLetter(
  deps: QueryDeps,
  orgId: string,
  seq: number,
): Promise<DeadLetterView | undefined> {
  const letter = await deps.reader.get(orgId, seq);
  if (letter === undefined) return undefined;
  const trails = await actionsOf(deps.db, orgId, [seq]);
  return viewOf(toEntry(letter), trails.get(seq) ?? []);
}

/** The org's entries after a cursor, oldest first, by stage and status. */
export async function listDeadLetters(deps: QueryDeps, orgId: string, query: ListQuery): Promise<ListPage> {
  const found: DeadLetterView[] = [];
  let scanned = 0;
  let lastSeq = query.after;
  const scan = deps.reader.scan(orgId, {
    ...(query.stage === undefined ? {} : { stage: query.stage }),
    afterSeq: query.after,
    max: LIST_SCAN_CAP,
  });
  for await (const batch of scan) {
    const trails = await actionsOf(
      deps.db,
      orgId,
      batch.map((l) => l.seq),
    );
    for (const letter of batch) {
      scanned += 1;
      lastSeq = letter.seq;
      const view = viewOf(toEntry(letter), trails.get(letter.seq) ?? []);
      if (query.status !== undefined && view.status !== query.status) continue;
      found.push(view);
      // Returning from the loop ends the scan and deletes its consumer.
      if (found.length === query.limit) return { deadLetters: found, next: letter.seq };
    }
  }
  return { deadLetters: found, next: scanned === LIST_SCAN_CAP ? lastSeq : null };
}
