import { sql, type Kysely } from "kysely";
import { deleteInBatches } from "@switchboard/db";
import { SCHEMA } from "../migrations.js";
import type { RulesEngineDB } from "../rules-engine.tables.js";
import { coveringCancellation } from "./timer.repository.js";

/** Deletes the timers that fired, failed or were cancelled before `before`; pending ones stay. */
export function deleteFinishedTimersBefore(db: Kysely<RulesEngineDB>, before: Date): Promise<number> {
  return deleteInBatches(db, SCHEMA, "rule_timers", sql`state <> 'pending' and finished_at < ${before}`);
}

/**
 * Deletes the follow-ups kept since before `before`, a batch at a time. A pending timer one of them
 * covers (started from an earlier message, but written after the follow-up) is marked cancelled in
 * the same statement that deletes it, so it cannot fire once the follow-up is gone: one snapshot
 * decides both, and a follow-up or timer committed while the sweep runs is left whole to the next.
 */
export async function deleteCancellationsBefore(
  db: Kysely<RulesEngineDB>,
  before: Date,
  batchSize = 5_000,
): Promise<number> {
  const timers = sql.table(`${SCHEMA}.rule_timers`);
  const cancellations = sql.table(`${SCHEMA}.timer_cancellations`);
  let total = 0;
  for (;;) {
    const { rows } = await sql<{ n: string }>`
      with gone as (
        delete from ${cancellations} where ctid = any(array(
          select ctid from ${cancellations} where created_at < ${before} limit ${batchSize}))
        returning org_id, rule_id, cancel_key, occurred_at),
      covered as (
        update ${timers} t set state = 'cancelled', finished_at = now(), finished_by = ${coveringCancellation}
        where t.state = 'pending' and exists (
          select 1 from gone c
          where c.org_id = t.org_id and c.rule_id = t.rule_id and c.cancel_key = t.cancel_key
            and c.occurred_at >= t.base_at)
        returning t.id)
      select count(*) as n from gone`.execute(db);
    const deleted = Number(rows[0]!.n);
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
