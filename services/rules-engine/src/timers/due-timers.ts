import { sql, type Transaction } from "kysely";
import { SCHEMA } from "../migrations.js";
import type { RulesEngineDB } from "../rules-engine.tables.js";
import { coveringCancellation, type TimerRow } from "./timer.repository.js";
import type { TimerState } from "./timer.tables.js";

/** A due timer, locked for this transaction, with what decides whether it fires. */
export type DueTimer = TimerRow & {
  /** The follow-up that cancels it, when one is kept. */
  cancelled_by: string | null;
  /** Whether its rule is still switched on with an active version. */
  runnable: boolean;
};

/**
 * Locks up to `limit` pending timers due by the timer store's clock, soonest first. Rows another
 * replica holds are skipped (`SKIP LOCKED`), so replicas share the due timers and none is taken
 * twice; a replica killed mid-batch loses its locks with its connection and its timers come due
 * again for the others.
 */
export async function lockDueTimers(trx: Transaction<RulesEngineDB>, limit: number): Promise<DueTimer[]> {
  const timers = sql.table(`${SCHEMA}.rule_timers`);
  const rules = sql.table(`${SCHEMA}.rules`);
  const { rows } = await sql<DueTimer>`
    select t.*, ${coveringCancellation} as cancelled_by,
      coalesce((select r.enabled and r.active_version is not null from ${rules} r
        where r.org_id = t.org_id and r.rule_id = t.rule_id), false) as runnable
    from ${timers} t
    where t.state = 'pending' and t.next_at <= ${sql.raw(SCHEMA)}.timer_now()
    order by t.next_at
    limit ${limit}
    for update of t skip locked`.execute(trx);
  return rows;
}

/** What became of a due timer. */
export interface TimerUpdate {
  id: number;
  state: TimerState;
  attempts: number;
  lastError: string | null;
  finishedBy: string | null;
  /** For a timer left pending: how long until the next attempt, by the timer store's clock. */
  retryInMs?: number;
}

/** The statement that writes the batch's updates (to run with its rule runs and events). */
export function updatingTimers(updates: readonly TimerUpdate[]) {
  if (updates.length === 0) return undefined;
  const timers = sql.table(`${SCHEMA}.rule_timers`);
  const rows = updates.map(
    (u) =>
      sql`(${u.id}::bigint, ${u.state}::text, ${u.attempts}::int, ${u.lastError}::text, ${u.finishedBy}::text, ${u.retryInMs ?? 0}::bigint)`,
  );
  return sql`
    update ${timers} set state = u.state, attempts = u.attempts, last_error = u.last_error,
      finished_by = coalesce(u.finished_by, ${timers}.finished_by),
      finished_at = case when u.state = 'pending' then null else now() end,
      next_at = case when u.state = 'pending'
        then ${sql.raw(SCHEMA)}.timer_now() + u.retry_ms * interval '1 millisecond'
        else ${timers}.next_at end
    from (values ${sql.join(rows)}) as u(id, state, attempts, last_error, finished_by, retry_ms)
    where ${timers}.id = u.id`;
}
