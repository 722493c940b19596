import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@switchboard/testing";
import { openEngineDatabase, type EngineDatabase } from "../../test/support/engine-database.js";
import { SCHEMA } from "../migrations.js";
import { deleteCancellationsBefore } from "./timer-retention.js";

const TIMERS = sql.table(`${SCHEMA}.rule_timers`);
const CANCELLATIONS = sql.table(`${SCHEMA}.timer_cancellations`);
const DAY = 86_400_000;

/** A pending timer started 100 days ago, waiting for the follow-up `cancelKey`. */
const pendingTimer = (key: string, cancelKey: string) => sql`
  insert into ${TIMERS} (org_id, rule_id, version, timer_key, dedup_key, trigger_kind, trigger_name,
    message_id, trace_id, cancel_key, base_at, due_at, next_at, input, actions)
  values ('hrh', 'nurse', 1, ${key}, ${`id:${key}`}, 'event', 'formAssigned', ${key}, ${key}, ${cancelKey},
    now() - interval '100 days', now() + interval '300 days', now() + interval '300 days', 'null', '[]')`;

/** A follow-up kept 99 days: past any retention, and later than the timer it covers. */
const oldFollowUp = (cancelKey: string, messageId: string) => sql`
  insert into ${CANCELLATIONS} (org_id, rule_id, cancel_key, message_id, occurred_at, created_at)
  values ('hrh', 'nurse', ${cancelKey}, ${messageId}, now() - interval '99 days', now() - interval '99 days')`;

describe("the follow-ups' retention", () => {
  let engine: EngineDatabase;
  beforeAll(async () => {
    engine = await openEngineDatabase("sb_timer_retention");
  });
  afterAll(() => engine?.close());

  const timerState = async (key: string) =>
    (
      await sql<{ state: string; finished_by: string | null }>`
        select state, finished_by from ${TIMERS} where timer_key = ${key}`.execute(engine.db)
    ).rows[0];
  const followUps = async () =>
    (
      await sql<{ message_id: string }>`select message_id from ${CANCELLATIONS} order by message_id`.execute(
        engine.db,
      )
    ).rows.map((r) => r.message_id);

  it("never deletes a follow-up without cancelling the pending timers it covers, even one written during the sweep", async () => {
    // The sweep has a timer to cancel that another transaction holds locked, so it waits there;
    // meanwhile that transaction writes a late timer and the old follow-up that covers it.
    await pendingTimer("held", "k-held").execute(engine.db);
    await oldFollowUp("k-held", "f-held").execute(engine.db);
    const before = new Date(Date.now() - DAY);
    let sweep: Promise<number> | undefined;
    await engine.db.transaction().execute(async (trx) => {
      await sql`select 1 from ${TIMERS} where timer_key = 'held' for update`.execute(trx);
      sweep = deleteCancellationsBefore(engine.db, before);
      await waitFor(
        async () =>
          Number(
            (
              await sql<{ n: string }>`
                select count(*) as n from pg_stat_activity
                where datname = current_database() and wait_event_type = 'Lock'`.execute(engine.db)
            ).rows[0]!.n,
          ) > 0,
        { what: "the sweep waiting for the held timer" },
      );
      await pendingTimer("late", "k-late").execute(trx);
      await oldFollowUp("k-late", "f-late").execute(trx);
    });
    await sweep;

    // What the sweep saw, it did whole: the held timer cancelled, its follow-up gone. The late pair
    // came after: its follow-up is kept for the next sweep, so the late timer is still covered.
    expect(await timerState("held")).toEqual({ state: "cancelled", finished_by: "f-held" });
    const late = await timerState("late");
    const kept = await followUps();
    expect(late?.state === "cancelled" || kept.includes("f-late")).toBe(true);

    expect(await deleteCancellationsBefore(engine.db, before)).toBe(kept.length);
    expect(await timerState("late")).toEqual({ state: "cancelled", finished_by: "f-late" });
    expect(await followUps()).toEqual([]);
  });

  it("deletes batch after batch, each cancelling what its follow-ups cover, and keeps what is recent", async () => {
    for (const n of [1, 2, 3]) {
      await pendingTimer(`t-${n}`, `k-${n}`).execute(engine.db);
      await oldFollowUp(`k-${n}`, `f-${n}`).execute(engine.db);
    }
    await pendingTimer("t-recent", "k-recent").execute(engine.db);
    await sql`insert into ${CANCELLATIONS} (org_id, rule_id, cancel_key, message_id, occurred_at)
      values ('hrh', 'nurse', 'k-recent', 'f-recent', now())`.execute(engine.db);

    expect(await deleteCancellationsBefore(engine.db, new Date(Date.now() - DAY), 1)).toBe(3);
    for (const n of [1, 2, 3])
      expect(await timerState(`t-${n}`)).toEqual({ state: "cancelled", finished_by: `f-${n}` });
    expect(await followUps()).toEqual(["f-recent"]);
    expect(await timerState("t-recent")).toEqual({ state: "pending", finished_by: null });
  });
});
