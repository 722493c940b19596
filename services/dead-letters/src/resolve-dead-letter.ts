import { ConflictError, NotFoundError } from "@switchboard/errors";
import { insertAction, lockEntry } from "./action.repository.js";
import { findDeadLetter, type DeadLetterView, type QueryDeps } from "./dead-letter-queries.js";

/** Closes an entry with a comment; the entry itself stays in the stream. A second resolve is a conflict. */
export async function resolveDeadLetter(
  deps: QueryDeps,
  orgId: string,
  seq: number,
  comment: string,
  by: string,
): Promise<DeadLetterView> {
  if ((await deps.reader.get(orgId, seq)) === undefined) {
    throw new NotFoundError(`dead letter ${seq} does not exist`);
  }
  await deps.db.transaction().execute(async (trx) => {
    await lockEntry(trx, orgId, seq);
    const recorded = await insertAction(trx, { orgId, dlqSeq: seq, action: "resolved", comment, by });
    if (recorded === undefined) throw new ConflictError(`dead letter ${seq} is already resolved`);
  });
  const view = await findDeadLetter(deps, orgId, seq);
  if (view === undefined) throw new NotFoundError(`dead letter ${seq} does not exist`);
  return view;
}
