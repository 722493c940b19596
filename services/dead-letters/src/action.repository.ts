import { sql, type Kysely, type Selectable } from "kysely";
import { SCHEMA } from "./migrations.js";
import type { DeadLettersDB } from "./dead-letters.tables.js";

/** One thing done about a dead letter, as the trail shows it. */
export interface ActionView {
  id: number;
  action: "retried" | "resolved";
  comment: string | null;
  by: string;
  /** The `Nats-Msg-Id` a republished retry went out under; null for a webhook replay or a resolve. */
  newMsgId: string | null;
  createdAt: string;
}

export interface ActionWrite {
  orgId: string;
  dlqSeq: number;
  action: ActionView["action"];
  comment?: string | null;
  by: string;
  newMsgId?: string | null;
}

type Row = Selectable<DeadLettersDB["actions"]>;

const toView = (r: Row): ActionView => ({
  id: Number(r.id),
  action: r.action,
  comment: r.comment,
  by: r.by,
  newMsgId: r.new_msg_id,
  createdAt: new Date(r.created_at).toISOString(),
});

/** The trails of these entries of an org, oldest action first, keyed by DLQ sequence. */
export async function actionsOf(
  db: Kysely<DeadLettersDB>,
  orgId: string,
  seqs: readonly number[],
): Promise<Map<number, ActionView[]>> {
  const trails = new Map<number, ActionView[]>();
  if (seqs.length === 0) return trails;
  const rows = await db
    .withSchema(SCHEMA)
    .selectFrom("actions")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("dlq_seq", "in", [...new Set(seqs)])
    .orderBy("id")
    .execute();
  for (const row of rows) {
    const seq = Number(row.dlq_seq);
    const trail = trails.get(seq) ?? [];
    trail.push(toView(row));
    trails.set(seq, trail);
  }
  return trails;
}

/** Adds to the trail; undefined when the database refused it (a second resolve). */
export async function insertAction(
  db: Kysely<DeadLettersDB>,
  write: ActionWrite,
): Promise<ActionView | undefined> {
  const row = await db
    .withSchema(SCHEMA)
    .insertInto("actions")
    .values({
      org_id: write.orgId,
      dlq_seq: write.dlqSeq,
      action: write.action,
      comment: write.comment ?? null,
      by: write.by,
      new_msg_id: write.newMsgId ?? null,
    })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : toView(row);
}

/**
 * Serialises the desk's changes to one entry for the rest of the transaction, so two retries do not
 * pick the same attempt number and a retry and a resolve do not cross.
 */
export async function lockEntry(db: Kysely<DeadLettersDB>, orgId: string, dlqSeq: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`dead-letters:${orgId}:${dlqSeq}`}, 0))`.execute(
    db,
  );
}
