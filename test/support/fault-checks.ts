import pg from "pg";
import { expect } from "vitest";
import { waitFor } from "@switchboard/testing";
import { booking } from "./examples.js";
import type { FaultSink } from "./fault-sink.js";
import { EMITTED } from "./fault-seed.js";

/** What the flow left in PostgreSQL, read by the test as an operator would. */
export interface FlowCounts {
  assignments: number;
  distinctTimes: number;
  succeededRuns: number;
  runs: number;
  runMessages: number;
  openClaims: number;
  /** Messages the bridge's log shows delivered more than once to the subscription. */
  loggedTwice: number;
  /** The rule's emitted events in the rules engine's outbox, and those of them published. */
  emitted: number;
  emittedPublished: number;
}

const COUNTS = `
  select
    (select count(*) from forms.form_assignments where form_name = 'AppointmentReminder') as assignments,
    (select count(distinct prefill->>'appointmentTime') from forms.form_assignments) as "distinctTimes",
    (select count(*) from rules_engine.rule_runs where status = 'succeeded') as "succeededRuns",
    (select count(*) from rules_engine.rule_runs) as runs,
    (select count(distinct message_id) from rules_engine.rule_runs) as "runMessages",
    (select count(*) from rules_engine.dedup_claims where status <> 'done') as "openClaims",
    (select count(*) from (
      select message_id from webhook_bridge.delivery_attempts
      where kind = 'delivery' and outcome = 'delivered' group by message_id having count(*) > 1
    ) twice) as "loggedTwice",
    (select count(*) from rules_engine.outbox where subject like '%.${EMITTED}') as emitted,
    (select count(*) from rules_engine.outbox
      where subject like '%.${EMITTED}' and published_at is not null) as "emittedPublished"`;

/** A pool that survives the database going away: broken connections are replaced on the next query. */
export function flowReader(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on("error", () => undefined);
  return {
    async counts(): Promise<FlowCounts> {
      const row = (await pool.query(COUNTS)).rows[0] as Record<keyof FlowCounts, string>;
      return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as unknown as FlowCounts;
    },
    async appointmentTimes(): Promise<string[]> {
      const rows = (await pool.query("select prefill->>'appointmentTime' as t from forms.form_assignments"))
        .rows as { t: string }[];
      return rows.map((r) => r.t).sort();
    },
    async assignmentIds(): Promise<string[]> {
      const rows = (await pool.query("select id from forms.form_assignments")).rows as { id: string }[];
      return rows.map((r) => r.id).sort();
    },
    close: () => pool.end(),
  };
}
export type FlowReader = ReturnType<typeof flowReader>;

/** Waits until every accepted booking went the whole way: assigned, recorded, delivered. */
export async function waitUntilSettled(
  reader: FlowReader,
  sink: FaultSink,
  accepted: number,
  timeoutMs: number,
): Promise<FlowCounts> {
  let last: FlowCounts | undefined;
  try {
    await waitFor(
      async () => {
        last = await reader.counts();
        return (
          last.assignments >= accepted &&
          last.runs >= accepted &&
          last.openClaims === 0 &&
          last.emittedPublished >= accepted &&
          sink.distinct >= last.assignments
        );
      },
      { timeoutMs, intervalMs: 500, what: `${accepted} bookings to go the whole way` },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last: ${JSON.stringify(last)}, sink: ${sink.distinct}`);
  }
  // Time for a late duplicate (a redelivery after an ack wait) to show.
  await new Promise((r) => setTimeout(r, 3_000));
  return reader.counts();
}

/**
 * Every accepted booking has exactly one form assignment (its own appointment time), one succeeded
 * rule run, no open claim and one emitted event, published and stored once in EVENTS (`stored`
 * counts them there), and every assignment reached the sink under its own webhook-id.
 */
export async function expectExactlyOnce(
  reader: FlowReader,
  sink: FaultSink,
  accepted: number[],
  stored: () => Promise<number>,
): Promise<FlowCounts> {
  const counts = await reader.counts();
  expect(counts).toMatchObject({
    assignments: accepted.length,
    distinctTimes: accepted.length,
    succeededRuns: accepted.length,
    runs: accepted.length,
    runMessages: accepted.length,
    openClaims: 0,
    loggedTwice: 0,
    emitted: accepted.length,
    emittedPublished: accepted.length,
  });
  expect(await stored()).toBe(accepted.length);
  const expectedTimes = accepted.map((n) => booking(n).slot.start).sort();
  expect(await reader.appointmentTimes()).toEqual(expectedTimes);
  expect(sink.distinct).toBe(accepted.length);
  expect([...new Set(sink.assignments.values())].sort()).toEqual(await reader.assignmentIds());
  return counts;
}
