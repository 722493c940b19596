import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSchemaRegistry } from "@switchboard/events";
import { api, type Api } from "./support/api.js";
import { collectEvents, type EventCollector } from "./support/event-collector.js";
import { ADMIN_KEY, startStack, type TestStack } from "./support/switchboard.js";

/** The README's walk-through, as a user runs it: HTTP in, system events out on NATS. */
describe("walk-through: domain actions publish system events", () => {
  let stack: TestStack;
  let admin: Api;
  let app: Api;
  let subscriber: EventCollector;
  const registry = createSchemaRegistry();
  const patient = "2a925299-aee7-4749-bf10-909d3f6c6770";

  beforeAll(async () => {
    stack = await startStack();
    admin = api(stack.url, ADMIN_KEY);
    subscriber = await collectEvents(stack.nats, "switchboard.events.hrh.>");
  });

  afterAll(async () => {
    await subscriber?.close();
    await stack?.close();
  });

  it("creates an org and an org key shown once", async () => {
    expect((await admin.post("/v1/orgs", { id: "hrh", name: "Healix Regional Health" })).status).toBe(201);
    const key = await admin.post("/v1/orgs/hrh/api-keys", {
      name: "care app",
      roles: ["app", "content-manager"],
    });
    expect(key.status).toBe(201);
    expect(key.body.key).toMatch(/^sbk_/);
    const listed = await admin.get("/v1/orgs/hrh/api-keys");
    expect(JSON.stringify(listed.body)).not.toContain(key.body.key);
    app = api(stack.url, key.body.key);
  });

  it("publishes planCreated, formAssigned, formSubmitted and work-queue events in the Healix format", async () => {
    const template = await app.post("/v1/orgs/hrh/plan-templates", {
      name: "maternity-care",
      roles: ["Patient", "Midwife"],
      forms: ["Referral", "AppointmentReminder"],
      workQueues: ["triage"],
    });
    expect(template.status).toBe(201);

    const plan = await app.post(
      "/v1/orgs/hrh/plans",
      {
        templateName: "maternity-care",
        userId: patient,
        roleAssignments: [{ roleId: "Patient", userId: patient }],
      },
      { "switchboard-requested-by": "15eba04e-0e95-4d03-916e-e6cd9807006b" },
    );
    expect(plan.status).toBe(201);
    const planId = plan.body.id as string;

    const assigned = await app.post(`/v1/orgs/hrh/plans/${planId}/form-assignments`, {
      formName: "Referral",
      userId: patient,
      prefill: { reason: "check-up" },
    });
    expect(assigned.status).toBe(201);
    const submitted = await app.post(`/v1/orgs/hrh/form-assignments/${assigned.body.id}/submission`, {
      data: { patientName: "Ada", urgency: "high" },
    });
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe("submitted");

    expect(
      (await app.put("/v1/orgs/hrh/work-queues/triage", { statuses: ["new", "in-progress", "done"] })).status,
    ).toBe(201);
    const item = await app.post("/v1/orgs/hrh/work-queues/triage/items", {
      planId,
      priority: 3,
      serviceLocation: "Ward 4",
    });
    expect(item.status).toBe(201);
    expect(item.body.status).toBe("new");
    const moved = await app.patch(`/v1/orgs/hrh/work-queue-items/${item.body.id}`, { status: "in-progress" });
    expect(moved.status).toBe(200);

    const events = await subscriber.waitForCount(5).catch((e) => {
      console.log(subscriber.events.map((x) => x.messageType));
      throw e;
    });
    const byType = Object.fromEntries(events.map((e) => [e.messageType.split(".")[2], e]));
    expect(Object.keys(byType).sort()).toEqual([
      "formAssigned",
      "formSubmitted",
      "planCreated",
      "workQueueItemCreated",
      "workQueueItemStatusUpdated",
    ]);
    for (const [type, event] of Object.entries(byType)) {
      expect(registry.validate(type, event)).toEqual({ ok: true, value: undefined });
      expect(event).toMatchObject({ orgId: "hrh", branch: "master", messageType: `switchboard.hrh.${type}` });
    }
    expect(byType.planCreated).toMatchObject({
      requestedBy: "15eba04e-0e95-4d03-916e-e6cd9807006b",
      info: {
        planId,
        templateName: "maternity-care",
        userId: patient,
        isTest: false,
        roleAssignments: [{ roleId: "Patient", userId: patient }],
      },
    });
    expect(byType.formSubmitted.info).toMatchObject({
      planId,
      formName: "Referral",
      formAssignmentId: assigned.body.id,
      data: { patientName: "Ada", urgency: "high" },
    });
    expect(byType.workQueueItemStatusUpdated.info).toMatchObject({
      planId,
      workQueueName: "triage",
      workQueueItemId: item.body.id,
      status: "in-progress",
      oldStatus: "new",
      priority: 3,
      serviceLocation: "Ward 4",
    });
    // Nats-Msg-Id is the event's messageId, so the broker's duplicate window and receivers dedup on it.
    events.forEach((event, i) => expect(subscriber.headers[i]?.["Nats-Msg-Id"]).toBe(event.messageId));
  });
});
