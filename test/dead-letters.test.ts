import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@switchboard/testing";
import { api, type Api } from "./support/api.js";
import { booking, reminderRule, slotBookedDefinition } from "./support/examples.js";
import { natsPublisher } from "./support/nats-publisher.js";
import { expectProblem } from "./support/problem.js";
import { ADMIN_KEY, startStack, type TestStack } from "./support/switchboard.js";

const SLOT_BOOKED = "switchboard.inbound.hrh.scheduling.slotBooked";
const SLOT_CANCELLED = "switchboard.inbound.hrh.scheduling.slotCancelled";

type Entry = { id: number; stage: string; reason: string; status: string; origin: { msgId: string } };

/**
 * The dead-letter desk over the whole platform: the rules engine dead-letters what it cannot take,
 * a content manager finds it, declares what was missing, retries, and resolves the rest.
 */
describe("dead-letter desk with the rules engine", () => {
  let stack: TestStack;
  let cm: Api;
  let other: Api;
  let publisher: Awaited<ReturnType<typeof natsPublisher>>;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    stack = await startStack();
    const admin = api(stack.url, ADMIN_KEY);
    for (const id of ["hrh", "other"]) {
      expect((await admin.post("/v1/orgs", { id, name: id })).status).toBe(201);
    }
    const key = await admin.post("/v1/orgs/hrh/api-keys", {
      name: "cm",
      roles: ["content-manager", "app", "viewer"],
    });
    cm = api(stack.url, key.body.key);
    other = api(
      stack.url,
      (await admin.post("/v1/orgs/other/api-keys", { name: "cm", roles: ["content-manager"] })).body.key,
    );
    const template = { name: "maternity-care", roles: ["Patient"], forms: ["AppointmentReminder"] };
    expect((await cm.post("/v1/orgs/hrh/plan-templates", template)).status).toBe(201);
    expect(
      (await cm.post("/v1/orgs/hrh/plans", { templateName: "maternity-care", userId: "pat-1" })).status,
    ).toBe(201);
    publisher = await natsPublisher(stack.nats);
    nc = await connect(stack.nats.connectOptions());
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    await nc?.close();
    await publisher?.close();
    await stack?.close();
  });

  const entries = async (query: string): Promise<Entry[]> => {
    const res = await cm.get(`/v1/orgs/hrh/dead-letters?${query}`);
    expect(res.status).toBe(200);
    return res.body.deadLetters;
  };
  const reminders = async () =>
    (await cm.get("/v1/orgs/hrh/form-assignments?userId=pat-1")).body.formAssignments.filter(
      (a: { formName: string }) => a.formName === "AppointmentReminder",
    );
  const runs = async () =>
    (await cm.get("/v1/orgs/hrh/rule-runs?ruleId=slot-booked-assigns-reminder")).body.runs as {
      messageId: string;
    }[];
  /** Waits until the engine has acked the newest message on a subject: it has been processed. */
  const engineDoneWith = async (subject: string, msgId: string): Promise<void> => {
    const stored = await waitFor(async () => {
      const last = await jsm.streams.getMessage("INBOUND", { last_by_subj: subject });
      return last?.header.get("Nats-Msg-Id") === msgId && last;
    });
    await waitFor(
      async () => (await jsm.consumers.info("INBOUND", "rules-engine")).ack_floor.stream_seq >= stored.seq,
      { what: `the rules engine to ack ${msgId}` },
    );
  };

  it("lists what the engine dead-lettered, by stage, with reason and origin", async () => {
    // Before the event is declared: undeclared.
    await publisher.publish(SLOT_BOOKED, booking(0), "early-0");
    await publisher.publish(SLOT_CANCELLED, { bookingId: "bk-0" }, "cancel-0");
    const undeclared = await waitFor(async () => {
      const found = await entries("stage=undeclared");
      return found.length === 2 && found;
    });
    expect(undeclared.map((e) => e.origin.msgId)).toEqual(["early-0", "cancel-0"]);
    expect(undeclared[0]).toMatchObject({
      stage: "undeclared",
      reason: 'inbound event "scheduling.slotBooked" is not declared for org "hrh"',
      status: "open",
      origin: { stream: "INBOUND", subject: SLOT_BOOKED, consumer: "rules-engine", msgId: "early-0" },
      payload: booking(0),
    });
    ids.early = undeclared[0]!.id;
    ids.cancelled = undeclared[1]!.id;

    // Declared, with its rule active; a payload that breaks the schema: invalid.
    const { name, ...definition } = slotBookedDefinition();
    expect((await cm.put(`/v1/orgs/hrh/inbound-events/${name}`, definition)).status).toBe(201);
    expect(
      (await cm.put("/v1/orgs/hrh/rules/slot-booked-assigns-reminder?activate=true", reminderRule())).status,
    ).toBe(201);
    await new Promise((r) => setTimeout(r, 1_000)); // changes reach every engine replica within a second
    await publisher.publish(SLOT_BOOKED, { ...booking(1), slot: { start: "soon", end: "later" } }, "bad-1");
    const [invalid] = await waitFor(async () => {
      const found = await entries("stage=invalid");
      return found.length === 1 && found;
    });
    expect(invalid!.reason).toContain("/slot/start");
    expect(invalid!.origin.msgId).toBe("bad-1");
    ids.invalid = invalid!.id;

    const shown = await cm.get(`/v1/orgs/hrh/dead-letters/${ids.invalid}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ id: ids.invalid, stage: "invalid", deliveries: 1, actions: [] });
    expect(shown.body.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: "/slot/start" })]),
    );
    expect((await entries("")).map((e) => e.id)).toEqual([ids.early, ids.cancelled, ids.invalid]);
  });

  it("shows nothing to another org", async () => {
    expect((await other.get("/v1/orgs/other/dead-letters")).body.deadLetters).toEqual([]);
    expectProblem(await other.get(`/v1/orgs/other/dead-letters/${ids.early}`), 404, "SB_ERR_NOT_FOUND");
    expectProblem(await other.get("/v1/orgs/hrh/dead-letters"), 404, "SB_ERR_NOT_FOUND");
    expectProblem(await other.get(`/v1/orgs/hrh/dead-letters/${ids.early}`), 404, "SB_ERR_NOT_FOUND");
    expectProblem(
      await other.post(`/v1/orgs/other/dead-letters/${ids.early}/retry`),
      404,
      "SB_ERR_NOT_FOUND",
    );
    expectProblem(await other.post(`/v1/orgs/hrh/dead-letters/${ids.early}/retry`), 404, "SB_ERR_NOT_FOUND");
    const comment = { comment: "not ours" };
    expectProblem(
      await other.post(`/v1/orgs/other/dead-letters/${ids.cancelled}/resolve`, comment),
      404,
      "SB_ERR_NOT_FOUND",
    );
    expectProblem(
      await other.post(`/v1/orgs/hrh/dead-letters/${ids.cancelled}/resolve`, comment),
      404,
      "SB_ERR_NOT_FOUND",
    );
    const retried = await other.post("/v1/orgs/other/dead-letters/retry", { ids: [ids.early] });
    expect(retried.body.results).toMatchObject([
      { id: ids.early, outcome: "failed", code: "SB_ERR_NOT_FOUND" },
    ]);
    expect((await cm.get(`/v1/orgs/hrh/dead-letters/${ids.early}`)).body).toMatchObject({ status: "open" });
  });

  it("resolves an entry with a comment, once", async () => {
    const comment = "slotCancelled is not an event we take; the scheduler was told";
    const res = await cm.post(`/v1/orgs/hrh/dead-letters/${ids.cancelled}/resolve`, { comment });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "resolved", actions: [{ action: "resolved", comment }] });
    expectProblem(
      await cm.post(`/v1/orgs/hrh/dead-letters/${ids.cancelled}/resolve`, { comment }),
      409,
      "SB_ERR_CONFLICT",
    );
    expect((await entries("status=resolved")).map((e) => e.id)).toEqual([ids.cancelled]);
  });

  it("retries an entry once its event is declared: the engine runs the rule under the first message id", async () => {
    expect(await reminders()).toHaveLength(0);
    const res = await cm.post(`/v1/orgs/hrh/dead-letters/${ids.early}/retry`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: ids.early,
      outcome: "retried",
      attempt: 1,
      newMsgId: `early-0~retry-${ids.early}-1`,
    });

    const [assignment] = await waitFor(async () => {
      const found = await reminders();
      return found.length > 0 && found;
    });
    expect(assignment).toMatchObject({ prefill: { appointmentTime: booking(0).slot.start } });
    const [run] = await waitFor(async () => {
      const found = await runs();
      return found.length > 0 && found;
    });
    expect(run).toMatchObject({ messageId: "early-0", status: "succeeded" });

    const shown = (await cm.get(`/v1/orgs/hrh/dead-letters/${ids.early}`)).body;
    expect(shown).toMatchObject({
      status: "retried",
      actions: [{ action: "retried", newMsgId: `early-0~retry-${ids.early}-1`, comment: null }],
    });
    expect(shown.actions[0].by).toMatch(/^key:/);
  });

  it("a second retry of a message the engine completed is a duplicate: no second effect", async () => {
    const res = await cm.post("/v1/orgs/hrh/dead-letters/retry", { ids: [ids.early] });
    expect(res.body.results).toEqual([
      { id: ids.early, outcome: "retried", attempt: 2, newMsgId: `early-0~retry-${ids.early}-2` },
    ]);
    await engineDoneWith(SLOT_BOOKED, `early-0~retry-${ids.early}-2`);
    expect(await reminders()).toHaveLength(1);
    expect(await runs()).toHaveLength(1);
    expect((await entries("stage=undeclared")).length).toBe(2); // not dead-lettered again
    expect((await cm.get(`/v1/orgs/hrh/dead-letters/${ids.early}`)).body.actions).toHaveLength(2);

    const summary = await cm.get("/v1/orgs/hrh/dead-letters/summary");
    expect(summary.body).toEqual({
      stages: {
        undeclared: { open: 0, retried: 1, resolved: 1 },
        invalid: { open: 1, retried: 0, resolved: 0 },
      },
      scanned: 3,
      complete: true,
    });
  });
});
