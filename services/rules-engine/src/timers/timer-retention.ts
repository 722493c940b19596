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
 * Deletes the follow-ups kept since before `before`. A pending timer one of them covers (started
 * from an earlier message, but written after the follow-up) is marked cancelled in the statement
 * that deletes the follow-up, so it cannot fire once the follow-up is gone; a follow-up or timer
 * committed while the sweep runs is left whole to the next.
 */
export function deleteCancellationsBefore(
  db: Kysely<RulesEngineDB>,
  before: Date,
  batchSize?: number,
): Promise<number> {
  return deleteInBatches(
    db,
    SCHEMA,
    "timer_cancellations",
    sql`created_at < ${before}`,
    batchSize,
    sql`update ${sql.table(`${SCHEMA}.rule_timers`)} t
      set state = 'cancelled', finished_at = now(), finished_by = ${coveringCancellation}
      where t.state = 'pending' and exists (
        select 1 from deleted c
        where c.org_id = t.org_id and c.rule_id = t.rule_id and c.cancel_key = t.cancel_key
          and c.occurred_at >= t.base_at)`,
  );
}
