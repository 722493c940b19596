import { sql, type Kysely } from "kysely";
import type { Migration } from "@switchboard/db";

/**
 * Rules' timers (`rule_timers`), the follow-ups that cancel them (`timer_cancellations`), and the
 * timer store's clock. A cancellation is kept as well as applied, so a follow-up processed before
 * the message that starts its timer (two streams, or two batches side by side) still cancels it.
 *
 * The clock: `timer_now()` is `now()` moved by `timer_clock.shift` (zero unless someone moves it).
 * Every comparison with a due time reads it, so moving it (`advance_timer_clock('3 days')`) makes
 * every replica see the timers due that would be due three days from now, without waiting for them.
 */
export function timersMigration(schema: string): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable("rule_timers")
        .addColumn("id", "bigserial", (c) => c.primaryKey())
        .addColumn("org_id", "text", (c) => c.notNull())
        .addColumn("rule_id", "text", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("timer_key", "text", (c) => c.notNull())
        .addColumn("dedup_key", "text", (c) => c.notNull())
        .addColumn("trigger_kind", "text", (c) => c.notNull())
        .addColumn("trigger_name", "text", (c) => c.notNull())
        .addColumn("message_id", "text", (c) => c.notNull())
        .addColumn("trace_id", "text", (c) => c.notNull())
        .addColumn("cancel_key", "text")
        .addColumn("base_at", "timestamptz", (c) => c.notNull())
        .addColumn("due_at", "timestamptz", (c) => c.notNull())
        .addColumn("next_at", "timestamptz", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull().defaultTo("pending"))
        .addColumn("input", "jsonb", (c) => c.notNull())
        .addColumn("actions", "jsonb", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("last_error", "text")
        .addColumn("finished_by", "text")
        .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn("finished_at", "timestamptz")
        .addUniqueConstraint("rule_timers_key", ["org_id", "timer_key"])
        .execute();
      await sql`create index rule_timers_due on rule_timers (next_at) where state = 'pending'`.execute(db);
      await sql`create index rule_timers_rule on rule_timers (org_id, rule_id, state, due_at, id)`.execute(
        db,
      );
      await sql`
        create index rule_timers_cancel on rule_timers (org_id, rule_id, cancel_key)
        where state = 'pending'`.execute(db);
      await sql`create index rule_timers_finished on rule_timers (finished_at)`.execute(db);
      await db.schema
        .createTable("timer_cancellations")
        .addColumn("org_id", "text", (c) => c.notNull())
        .addColumn("rule_id", "text", (c) => c.notNull())
        .addColumn("cancel_key", "text", (c) => c.notNull())
        .addColumn("message_id", "text", (c) => c.notNull())
        .addColumn("occurred_at", "timestamptz", (c) => c.notNull())
        .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint("timer_cancellations_pk", ["org_id", "rule_id", "cancel_key", "message_id"])
        .execute();
      await sql`create index timer_cancellations_created on timer_cancellations (created_at)`.execute(db);
      await sql`
        create table timer_clock (
          one boolean primary key default true check (one),
          shift interval not null default interval '0')`.execute(db);
      await sql`insert into timer_clock default values`.execute(db);
      const clock = sql.table(`${schema}.timer_clock`);
      await sql`
        create function timer_now() returns timestamptz language sql stable as $$
          select now() + coalesce((select shift from ${clock}), interval '0') $$`.execute(db);
      await sql`
        create function advance_timer_clock(by_ interval) returns timestamptz language sql as $$
          update ${clock} set shift = shift + by_ returning now() + shift $$`.execute(db);
    },
  };
}
