import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@switchboard/testing";
import { api, type Api } from "./support/api.js";
import { booking, reminderRule, slotBookedDefinition } from "./support/examples.js";
import { natsPublisher } from "./support/nats-publisher.js";
import { readStream } from "./support/stream-reader.js";
import { ADMIN_KEY, startStack, type TestStack } from "./support/switchboard.js";

const SUBJECT = "switchboard.inbound.hrh.scheduling.slotBooked";

/** The rules engine as a content manager and a scheduling system use it (ARCHITECTURE's seed example). */
describe("rules engine: declared inbound events, JSON rules, dedup, effects once", () => {
  let stack: TestStack;
  let cm: Api;
  let publisher: Awaited<ReturnType<typeof natsPublisher>>;
  let planId: string;

  beforeAll(async () => {
    // A short duplicate window, so a resent id gets past the broker and the engine's own dedup is what is tested.
    stack = await startStack({
      SWITCHBOARD_DUPLICATE_WINDOW_MS: "1000",
      SWITCHBOARD_RULES_BACKOFF_MS: "100,200,400",
      SWITCHBOARD_RULES_MAX_DELIVER: "4",
    });
    const admin = api(stack.url, ADMIN_KEY);
    expect((await admin.post("/v1/orgs", { id: "hrh", name: "HRH" })).status).toBe(201);
    const key = await admin.post("/v1/orgs/hrh/api-keys", {
      name: "cm",
      roles: ["content-manager", "app", "viewer"],
    });
    cm = api(stack.url, key.body.key);
    expect(
      (
        await cm.post("/v1/orgs/hrh/plan-templates", {
          name: "maternity-care",
          roles: ["Patient"],
          forms: ["AppointmentReminder"],
        })
      ).status,
    ).toBe(201);
    planId = (await cm.post("/v1/orgs/hrh/plans", { templateName: "maternity-care", userId: "pat-1" })).body
      .id;
    publisher = await natsPublisher(stack.nats);
  });

  afterAll(async () => {
    await publisher?.close();
    await stack?.close();
  });

  const reminders = async (userId = "pat-1") =>
    (await cm.get(`/v1/orgs/hrh/form-assignments?userId=${userId}`)).body.formAssignments.filter(
      (a: { formName: string }) => a.formName === "AppointmentReminder",
    );

  it("declares the event, saves the rule, dry-runs it, activates it, and a booked slot assigns the reminder once", async () => {
    const { name, ...definition } = slotBookedDefinition();
    expect((await cm.put(`/v1/orgs/hrh/inbound-events/${name}`, definition)).status).toBe(201);
    const saved = await cm.put(`/v1/orgs/hrh/rules/slot-booked-assigns-reminder`, reminderRule());
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ version: 1, activeVersion: null });

    const dry = await cm.post("/v1/orgs/hrh/rules/dry-run", {
      ruleId: "slot-booked-assigns-reminder",
      version: 1,
      payload: booking(0),
    });
    expect(dry.status).toBe(200);
    expect(dry.body.results[0]).toMatchObject({
      valid: true,
      matched: true,
      actions: [
        {
          type: "assignForm",
          params: {
            formName: "AppointmentReminder",
            userId: "pat-1",
            plan: { templateName: "maternity-care" },
            prefill: { appointmentTime: booking(0).slot.start },
          },
        },
      ],
    });
    expect(await reminders()).toHaveLength(0); // a dry run changes nothing

    expect(
      (await cm.post("/v1/orgs/hrh/rules/slot-booked-assigns-reminder/activate", { version: 1 })).status,
    ).toBe(200);
    await new Promise((r) => setTimeout(r, 1_000)); // changes reach every engine replica within a second
    await publisher.publish(SUBJECT, booking(0), "sched-msg-0");

    const [assignment] = await waitFor(async () => {
      const found = await reminders();
      return found.length > 0 && found;
    });
    expect(assignment).toMatchObject({
      planId,
      userId: "pat-1",
      prefill: { appointmentTime: booking(0).slot.start },
    });

    const formAssigned = await waitFor(async () =>
      (await readStream(stack.nats, "EVENTS")).find(
        (e) => e.subject === "switchboard.events.hrh.formAssigned",
      ),
    );
    expect(formAssigned.data).toMatchObject({
      requestedBy: "rule:slot-booked-assigns-reminder@1",
      info: { formAssignmentId: assignment.id },
    });

    const runs = await waitFor(async () => {
      const r = (await cm.get("/v1/orgs/hrh/rule-runs?ruleId=slot-booked-assigns-reminder")).body.runs;
      return r.length > 0 && r;
    });
    expect(runs[0]).toMatchObject({
      ruleId: "slot-booked-assigns-reminder",
      version: 1,
      messageId: "sched-msg-0",
      status: "succeeded",
    });
  });

  it("the same message id twice, and the same data under new ids, each cause one effect", async () => {
    await publisher.publish(SUBJECT, booking(1), "sched-msg-1");
    await waitFor(async () => (await reminders()).length === 2);
    await new Promise((r) => setTimeout(r, 1_200)); // past the broker's (shortened) duplicate window
    await publisher.publish(SUBJECT, booking(1), "sched-msg-1");
    await publisher.publish(SUBJECT, booking(1), "sched-msg-1-copy");
    const reordered = { slot: booking(1).slot, patientId: "pat-1", status: "booked", bookingId: "bk-1" };
    await publisher.publish(SUBJECT, reordered, "sched-msg-1-reordered");
    await publisher.publish(SUBJECT, booking(2), "sched-msg-2"); // a new booking still works
    await waitFor(async () => (await reminders()).length === 3);
    await new Promise((r) => setTimeout(r, 1_000));
    const times = (await reminders())
      .map((a: { prefill: { appointmentTime: string } }) => a.prefill.appointmentTime)
      .sort();
    expect(times).toEqual([booking(0).slot.start, booking(1).slot.start, booking(2).slot.start]);
  });

  it("dead-letters undeclared, invalid and non-JSON messages with the reason, and keeps going", async () => {
    const before = (await readStream(stack.nats, "DLQ")).length;
    await publisher.publish("switchboard.inbound.hrh.scheduling.slotMoved", { any: 1 }, "bad-1");
    await publisher.publish(
      SUBJECT,
      { bookingId: "x", status: "booked", patientId: "pat-1", slot: { start: "not a date", end: "e" } },
      "bad-2",
    );
    await publisher.publish(SUBJECT, "{not json", "bad-3");
    // 5,000 levels inside a free-form field the schema allows: refused before anything recursive runs.
    const deep = `${'{"d":'.repeat(5_000)}"bottom"${"}".repeat(5_000)}`;
    const text = JSON.stringify({
      ...booking(99),
      practitioner: { id: "p", name: "n", extra: "DEEP" },
    }).replace('"DEEP"', deep);
    await publisher.publish(SUBJECT, text, "bad-4");
    await publisher.publish(SUBJECT, booking(3), "sched-msg-3");
    await waitFor(async () => (await reminders()).length === 4);
    const dead = await waitFor(async () => {
      const all = (await readStream(stack.nats, "DLQ")).slice(before);
      return all.length >= 4 && all;
    });
    const bySubject = Object.fromEntries(dead.map((d) => [d.subject, d]));
    expect(Object.keys(bySubject).sort()).toEqual(
      ["switchboard.dlq.hrh.invalid", "switchboard.dlq.hrh.undeclared"].sort(),
    );
    const invalid = dead.filter((d) => d.subject === "switchboard.dlq.hrh.invalid");
    expect(invalid).toHaveLength(3);
    const undeclared = bySubject["switchboard.dlq.hrh.undeclared"]!;
    expect(undeclared.headers["Switchboard-Reason"]).toContain(
      'inbound event "scheduling.slotMoved" is not declared',
    );
    expect(undeclared.headers["Switchboard-Origin-Subject"]).toBe(
      "switchboard.inbound.hrh.scheduling.slotMoved",
    );
    const schemaError = invalid.find((d) => d.headers["Switchboard-Origin-Msg-Id"] === "bad-2")!;
    expect(schemaError.headers["Switchboard-Reason"]).toContain("/slot/start");
    expect(JSON.parse(schemaError.headers["Switchboard-Details"]!)).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: "/slot/start" })]),
    );
    const notJson = invalid.find((d) => d.headers["Switchboard-Origin-Msg-Id"] === "bad-3")!;
    expect(notJson.headers["Switchboard-Reason"]).toContain("not valid JSON");
    expect(notJson.data).toBe("{not json"); // the original payload, as it was
    const tooDeep = invalid.find((d) => d.headers["Switchboard-Origin-Msg-Id"] === "bad-4")!;
    expect(tooDeep.headers["Switchboard-Reason"]).toContain("nested deeper than 64");
  });

  it("a rule on a system event reacts to it (formAssigned → a work-queue item)", async () => {
    expect(
      (await cm.put("/v1/orgs/hrh/work-queues/reminders", { statuses: ["to-call", "called"] })).status,
    ).toBe(201);
    const rule = {
      id: "reminder-needs-a-call",
      on: { event: "formAssigned" },
      when: { "==": [{ var: "info.formName" }, "AppointmentReminder"] },
      actions: [{ createWorkQueueItem: { queue: "reminders", planId: { var: "info.planId" }, priority: 5 } }],
    };
    expect((await cm.put("/v1/orgs/hrh/rules/reminder-needs-a-call?activate=true", rule)).status).toBe(201);
    await new Promise((r) => setTimeout(r, 1_000)); // the index reloads within a second
    await publisher.publish(SUBJECT, booking(4), "sched-msg-4");
    const items = await waitFor(async () => {
      const list = (await cm.get("/v1/orgs/hrh/work-queue-items?queue=reminders")).body.workQueueItems;
      return list.length > 0 && list;
    });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ planId, status: "to-call", priority: 5 });
  });

  it("an emit action publishes a custom system event once", async () => {
    const rule = {
      id: "booked-announces",
      on: { inbound: "scheduling.slotBooked" },
      when: { "==": [{ var: "status" }, "booked"] },
      actions: [
        {
          emit: {
            eventType: "appointmentBooked",
            info: { patientId: { var: "patientId" }, at: { var: "slot.start" } },
          },
        },
      ],
    };
    expect((await cm.put("/v1/orgs/hrh/rules/booked-announces?activate=true", rule)).status).toBe(201);
    await new Promise((r) => setTimeout(r, 1_000));
    await publisher.publish(SUBJECT, booking(5), "sched-msg-5");
    const emitted = await waitFor(async () => {
      const found = (await readStream(stack.nats, "EVENTS")).filter(
        (e) => e.subject === "switchboard.events.hrh.appointmentBooked",
      );
      return found.length > 0 && found;
    });
    await new Promise((r) => setTimeout(r, 1_000));
    const again = (await readStream(stack.nats, "EVENTS")).filter(
      (e) => e.subject === "switchboard.events.hrh.appointmentBooked",
    );
    expect(again).toHaveLength(1);
    expect(emitted[0]!.data).toMatchObject({
      messageType: "switchboard.hrh.appointmentBooked",
      requestedBy: "rule:booked-announces@1",
      info: { patientId: "pat-1", at: booking(5).slot.start },
    });
  });

  it("an emit too large for the bus fails its run (dead-lettered with the reason) and holds up no later event", async () => {
    const schema = { type: "object", properties: { note: { type: "string" }, n: { type: "integer" } } };
    expect((await cm.put("/v1/orgs/hrh/inbound-events/lab.note", { description: "x", schema })).status).toBe(
      201,
    );
    const rule = {
      id: "note-echoes",
      on: { inbound: "lab.note" },
      actions: [
        {
          emit: {
            eventType: "noteEchoed",
            info: { a: { var: "note" }, b: { var: "note" }, n: { var: "n" } },
          },
        },
      ],
    };
    expect((await cm.put("/v1/orgs/hrh/rules/note-echoes?activate=true", rule)).status).toBe(201);
    await new Promise((r) => setTimeout(r, 1_000));
    // 600 KB twice in the event: more than the 1 MB NATS carries.
    await publisher.publish(
      "switchboard.inbound.hrh.lab.note",
      { note: "x".repeat(600_000), n: 1 },
      "note-big",
    );
    await publisher.publish("switchboard.inbound.hrh.lab.note", { note: "small", n: 2 }, "note-small");
    const dead = await waitFor(async () => {
      const found = (await readStream(stack.nats, "DLQ")).filter(
        (m) => m.headers["Switchboard-Origin-Msg-Id"] === "note-big",
      );
      return found.length > 0 && found[0];
    });
    expect(dead.headers["Switchboard-Stage"]).toBe("action-failed");
    expect(dead.headers["Switchboard-Reason"]).toMatch(/more than the event bus carries/);
    const echoed = await waitFor(async () => {
      const found = (await readStream(stack.nats, "EVENTS")).filter(
        (e) => e.subject === "switchboard.events.hrh.noteEchoed",
      );
      return found.length > 0 && found;
    });
    expect(echoed.map((e) => e.data.info.n)).toEqual([2]);
  });

  it("a client cannot take the idempotency key a rule's action will use: the action runs as its own", async () => {
    // The key the seed rule's first action uses for message "sched-msg-preempt": known to anyone who reads the docs.
    const ruleKey = "id:sched-msg-preempt/slot-booked-assigns-reminder@1/0";
    const decoy = await cm.post(
      `/v1/orgs/hrh/plans/${planId}/form-assignments`,
      { formName: "AppointmentReminder", userId: "pat-decoy" },
      { "idempotency-key": ruleKey },
    );
    expect(decoy.status).toBe(201);
    await publisher.publish(SUBJECT, booking(9), "sched-msg-preempt");
    // The run is recorded after its actions, so once it is there the assignment it made is too.
    const run = await waitFor(async () =>
      (await cm.get("/v1/orgs/hrh/rule-runs?ruleId=slot-booked-assigns-reminder")).body.runs.find(
        (r: { messageId: string }) => r.messageId === "sched-msg-preempt",
      ),
    );
    expect(run).toMatchObject({ status: "succeeded" });
    const assigned = (await reminders()).filter(
      (a: { prefill: { appointmentTime?: string } }) => a.prefill.appointmentTime === booking(9).slot.start,
    );
    expect(assigned).toHaveLength(1);
  });
});
