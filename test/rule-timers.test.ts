import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@switchboard/testing";
import type { Api } from "./support/api.js";
import { loadExample, slotBookedDefinition } from "./support/examples.js";
import { natsPublisher } from "./support/nats-publisher.js";
import { setUpOrg } from "./support/org.js";
import { startStack, type TestStack } from "./support/switchboard.js";

const SLOT_BOOKED = "switchboard.inbound.hrh.scheduling.slotBooked";
const NURSE_RULE = "referral-overdue-alerts-nurse";
const REMINDER_RULE = "slot-reminder-day-before";
const DAY = 86_400_000;

interface Timer {
  id: number;
  state: string;
  dueAt: string;
  key: string | null;
  messageId: string;
}

/**
 * Rules with timers on the real stack: "nothing happened within N" (a Referral not submitted
 * within 3 days of its assignment puts an item on the nurses' queue; a submission cancels it) and a
 * reminder relative to a payload date (24 hours before the slot). Days pass by advancing the timer
 * store's clock (`rules_engine.advance_timer_clock`), never by sleeping.
 */
describe("rule timers: fire when nothing happened in time, cancelled by the follow-up", () => {
  let stack: TestStack;
  let cm: Api;
  let db: pg.Client;
  let publisher: Awaited<ReturnType<typeof natsPublisher>>;
  let planId: string;

  const timers = async (ruleId: string, state = "pending"): Promise<Timer[]> => {
    const res = await cm.get(`/v1/orgs/hrh/rules/${ruleId}/timers?state=${state}`);
    expect(res.status).toBe(200);
    return res.body.timers;
  };
  const storeNow = async () => new Date((await cm.get(`/v1/orgs/hrh/rules/${NURSE_RULE}/timers`)).body.now);
  const advanceClock = (interval: string) =>
    db.query("select rules_engine.advance_timer_clock($1)", [interval]);
  const nurseItems = async () =>
    (await cm.get("/v1/orgs/hrh/work-queue-items?queue=nurse-follow-up")).body.workQueueItems as {
      planId: string;
    }[];
  const assignReferral = async () => {
    const res = await cm.post(`/v1/orgs/hrh/plans/${planId}/form-assignments`, {
      formName: "Referral",
      userId: "pat-1",
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    // Sweep often, so that rows made to look old go within the test.
    stack = await startStack({ SWITCHBOARD_RETENTION_SWEEP_MS: "200" });
    cm = (await setUpOrg(stack.url, "hrh", ["content-manager", "app", "viewer"])).app;
    const template = {
      name: "maternity-care",
      roles: ["Patient"],
      forms: ["Referral", "DayBeforeReminder"],
      workQueues: ["nurse-follow-up"],
    };
    expect((await cm.post("/v1/orgs/hrh/plan-templates", template)).status).toBe(201);
    expect(
      (await cm.put("/v1/orgs/hrh/work-queues/nurse-follow-up", { statuses: ["new", "done"] })).status,
    ).toBe(201);
    planId = (await cm.post("/v1/orgs/hrh/plans", { templateName: "maternity-care", userId: "pat-1" })).body
      .id;
    const { name, ...definition } = slotBookedDefinition();
    expect((await cm.put(`/v1/orgs/hrh/inbound-events/${name}`, definition)).status).toBe(201);
    for (const rule of [NURSE_RULE, REMINDER_RULE]) {
      const saved = await cm.put(
        `/v1/orgs/hrh/rules/${rule}?activate=true`,
        loadExample(`${rule}.rule.json`),
      );
      expect(saved.body).toMatchObject({ version: 1 });
      expect(saved.status).toBe(201);
      expect(saved.body.warnings).toEqual([]);
    }
    await new Promise((r) => setTimeout(r, 1_000)); // changes reach every engine replica within a second
    db = new pg.Client({ connectionString: stack.database.url });
    await db.connect();
    publisher = await natsPublisher(stack.nats);
  });

  afterAll(async () => {
    await publisher?.close();
    await db?.end();
    await stack?.close();
  });

  it("a dry run says when the timer would fire: 3 days after the event's own time", async () => {
    const occurredAt = "2026-11-20T08:15:00.000Z";
    const formAssignmentId = randomUUID();
    const event = {
      messageId: randomUUID(),
      occurredAt,
      messageType: "switchboard.hrh.formAssigned",
      orgId: "hrh",
      requestedBy: "key:test",
      traceId: randomUUID(),
      branch: "master",
      info: { planId, isTest: false, formName: "Referral", formAssignmentId, userId: "pat-1", prefill: {} },
    };
    const dry = await cm.post("/v1/orgs/hrh/rules/dry-run", { ruleId: NURSE_RULE, payload: event });
    expect(dry.status).toBe(200);
    expect(dry.body.results).toEqual([
      {
        valid: true,
        matched: true,
        actions: [
          expect.objectContaining({
            type: "createWorkQueueItem",
            params: expect.objectContaining({ planId }),
          }),
        ],
        timer: { dueAt: "2026-11-23T08:15:00.000Z", key: formAssignmentId },
      },
    ]);
    expect(await timers(NURSE_RULE)).toEqual([]); // a dry run starts nothing
  });

  it("a Referral not submitted in 3 days puts one item on the nurses' queue; the submitted one is cancelled", async () => {
    const late = await assignReferral();
    const timely = await assignReferral();
    const pending = await waitFor(async () => {
      const found = await timers(NURSE_RULE);
      return found.length === 2 && found;
    });
    expect(pending.map((t) => t.key).sort()).toEqual([late, timely].sort());
    // Due 3 days after each formAssigned event's occurredAt (the event's time, not when it was processed).
    const started = await storeNow();
    for (const t of pending)
      expect(Math.abs(Date.parse(t.dueAt) - started.getTime() - 3 * DAY)).toBeLessThan(60_000);

    expect(
      (await cm.post(`/v1/orgs/hrh/form-assignments/${timely}/submission`, { data: { ok: true } })).status,
    ).toBe(200);
    await waitFor(async () => (await timers(NURSE_RULE, "cancelled")).length === 1);
    expect((await timers(NURSE_RULE)).map((t) => t.key)).toEqual([late]);

    // Two days on: nothing is due yet.
    await advanceClock("2 days");
    await new Promise((r) => setTimeout(r, 2_500)); // more than two rounds of every replica's firing loop
    expect(await nurseItems()).toEqual([]);

    // Past the deadline: the late one fires, once.
    await advanceClock("1 day 1 minute");
    const [fired] = await waitFor(async () => {
      const found = await timers(NURSE_RULE, "fired");
      return found.length === 1 && found;
    });
    expect(fired).toMatchObject({ key: late, state: "fired" });
    expect(await nurseItems()).toEqual([expect.objectContaining({ planId })]);
    const [cancelled] = await timers(NURSE_RULE, "cancelled");
    expect(cancelled).toMatchObject({ key: timely, state: "cancelled", cancelledBy: expect.any(String) });
    expect(await timers(NURSE_RULE)).toEqual([]);

    const runs = (await cm.get(`/v1/orgs/hrh/rule-runs?ruleId=${NURSE_RULE}`)).body.runs as {
      dedupKey: string;
      status: string;
      actions: { outcome: string; idempotencyKey: string }[];
    }[];
    const firing = runs.filter((r) => r.dedupKey === `timer:${fired!.id}`);
    expect(firing).toEqual([expect.objectContaining({ status: "succeeded" })]);
    // Its action ran under the key its scheduling run announced.
    const scheduled = runs.find(
      (r) => r.actions[0]?.outcome === "scheduled" && r.dedupKey === `id:${fired!.messageId}`,
    );
    expect(firing[0]!.actions[0]).toMatchObject({
      outcome: "done",
      idempotencyKey: scheduled!.actions[0]!.idempotencyKey,
    });

    // Later rounds of the loop change nothing.
    await advanceClock("7 days");
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await nurseItems()).toHaveLength(1);
  });

  it("a reminder 24 hours before the payload's slot.start; the cancelled booking's reminder never comes", async () => {
    const start = new Date((await storeNow()).getTime() + 2 * DAY);
    start.setUTCMilliseconds(0);
    const booking = (id: string, status: string) => ({
      bookingId: id,
      status,
      patientId: "pat-1",
      slot: { start: start.toISOString(), end: new Date(start.getTime() + 1_800_000).toISOString() },
    });
    const dry = await cm.post("/v1/orgs/hrh/rules/dry-run", {
      ruleId: REMINDER_RULE,
      payload: booking("bk-1", "booked"),
    });
    const dayBefore = new Date(start.getTime() - DAY).toISOString();
    expect(dry.body.results[0]).toMatchObject({ matched: true, timer: { dueAt: dayBefore, key: "bk-1" } });

    await publisher.publish(SLOT_BOOKED, booking("bk-1", "booked"), "booked-1");
    await publisher.publish(SLOT_BOOKED, booking("bk-2", "booked"), "booked-2");
    await waitFor(async () => (await timers(REMINDER_RULE)).length === 2);
    expect((await timers(REMINDER_RULE)).map((t) => t.dueAt)).toEqual([dayBefore, dayBefore]);
    await publisher.publish(SLOT_BOOKED, booking("bk-2", "cancelled"), "cancelled-2");
    await waitFor(async () => (await timers(REMINDER_RULE)).length === 1);

    await advanceClock("1 day 1 minute");
    await waitFor(async () => (await timers(REMINDER_RULE, "fired")).length === 1);
    const reminders = await db.query(
      "select prefill from forms.form_assignments where form_name = 'DayBeforeReminder'",
    );
    expect(reminders.rows).toEqual([{ prefill: { appointmentTime: start.toISOString() } }]);
    expect((await timers(REMINDER_RULE, "cancelled")).map((t) => t.key)).toEqual(["bk-2"]);
  });

  it("lists timers by state, 404 for an unknown rule, 400 for a bad state or cursor", async () => {
    expect((await cm.get("/v1/orgs/hrh/rules/nope/timers")).status).toBe(404);
    expect((await cm.get(`/v1/orgs/hrh/rules/${NURSE_RULE}/timers?state=due`)).status).toBe(400);
    const bad = await cm.get(`/v1/orgs/hrh/rules/${NURSE_RULE}/timers?after=yesterday`);
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain("after must be");
  });

  it("finished timers and kept follow-ups go after the rule-run retention; a pending timer an old follow-up covers is cancelled first", async () => {
    // A timer written after the follow-up that covers it (processed out of order), still pending.
    await db.query(`
      insert into rules_engine.rule_timers (org_id, rule_id, version, timer_key, dedup_key, trigger_kind,
        trigger_name, message_id, trace_id, cancel_key, base_at, due_at, next_at, input, actions)
      values ('hrh', '${NURSE_RULE}', 1, 'late-written', 'id:late', 'event', 'formAssigned', 'late', 'late',
        'key-late', now() - interval '100 days', now() + interval '300 days', now() + interval '300 days', 'null', '[]')`);
    await db.query(`
      insert into rules_engine.timer_cancellations (org_id, rule_id, cancel_key, message_id, occurred_at, created_at)
      values ('hrh', '${NURSE_RULE}', 'key-late', 'follow-up', now() - interval '99 days', now() - interval '99 days')`);
    await db.query(
      "update rules_engine.rule_timers set finished_at = now() - interval '100 days' where state <> 'pending'",
    );
    const left = async (query: string) => Number((await db.query(query)).rows[0].n);
    await waitFor(
      async () =>
        (await left(
          "select count(*) as n from rules_engine.rule_timers where state <> 'pending' and finished_at < now() - interval '1 day'",
        )) === 0 &&
        (await left(
          "select count(*) as n from rules_engine.timer_cancellations where message_id = 'follow-up'",
        )) === 0,
      { what: "old timers and follow-ups swept" },
    );
    const late = await db.query(
      "select state, finished_by from rules_engine.rule_timers where timer_key = 'late-written'",
    );
    expect(late.rows).toEqual([{ state: "cancelled", finished_by: "follow-up" }]);
  });
});
