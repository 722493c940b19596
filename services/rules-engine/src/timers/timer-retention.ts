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
 * from an earlier message, but written after the follow-up) is marked cancelled first, so it
 * cannot fire once the follow-up is gone.
 */
export async function deleteCancellationsBefore(db: Kysely<RulesEngineDB>, before: Date): Promise<number> {
  const timers = sql.table(`${SCHEMA}.rule_timers`);
  const cancellations = sql.table(`${SCHEMA}.timer_cancellations`);
  await sql`
    update ${timers} t set state = 'cancelled', finished_at = now(), finished_by = ${coveringCancellation}
    where t.state = 'pending' and exists (
      select 1 from ${cancellations} c
      where c.org_id = t.org_id and c.rule_id = t.rule_id and c.cancel_key = t.cancel_key
        and c.occurred_at >= t.base_at and c.created_at < ${before})`.execute(db);
  return deleteInBatches(db, SCHEMA, "timer_cancellations", sql`created_at < ${before}`);
}
