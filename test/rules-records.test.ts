import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@switchboard/testing";
import type { Api } from "./support/api.js";
import { loadExample } from "./support/examples.js";
import { natsPublisher } from "./support/nats-publisher.js";
import { setUpOrg } from "./support/org.js";
import { startStack, type TestStack } from "./support/switchboard.js";

const SUBJECT = "switchboard.inbound.hrh.emr.visitRecorded";

/** Records from another system: a form stored on the plan, an item found by its key, and a change that waits for approval. */
describe("rules: records from other systems and proposed changes", () => {
  let stack: TestStack;
  let app: Api;
  let publisher: Awaited<ReturnType<typeof natsPublisher>>;
  let planId: string;

  beforeAll(async () => {
    stack = await startStack();
    app = (await setUpOrg(stack.url, "hrh", ["content-manager", "app", "viewer"])).app;
    const template = { name: "clinic-care", roles: ["Patient"], forms: ["VisitNotes"] };
    expect((await app.post("/v1/orgs/hrh/plan-templates", template)).status).toBe(201);
    for (const [queue, statuses] of [
      ["visits", ["scheduled", "done"]],
      ["record-review", ["open", "closed"]],
    ] as const)
      expect((await app.put(`/v1/orgs/hrh/work-queues/${queue}`, { statuses })).status).toBe(201);
    planId = (await app.post("/v1/orgs/hrh/plans", { templateName: "clinic-care", userId: "pat-1" })).body.id;
    const { name, ...definition } = loadExample("emr.visitRecorded.inbound.json");
    expect((await app.put(`/v1/orgs/hrh/inbound-events/${name}`, definition)).status).toBe(201);
    for (const file of [
      "visit-recorded-stores-form.rule.json",
      "visit-from-unknown-clinic-proposes-form.rule.json",
    ]) {
      const rule = loadExample(file);
      expect((await app.put(`/v1/orgs/hrh/rules/${rule.id}?activate=true`, rule)).status).toBe(201);
    }
    await new Promise((r) => setTimeout(r, 1_000)); // changes reach every engine replica within a second
    publisher = await natsPublisher(stack.nats);
  }, 60_000);

  afterAll(async () => {
    await publisher?.close();
    await stack?.close();
  });

  const visit = (visitId: string, clinicCode: string) => ({
    visitId,
    patientId: "pat-1",
    planId,
    visitedAt: "12/03/2026 09:30",
    clinicCode,
    observations: { weightKg: 61.5 },
  });
  const forms = async () =>
    (await app.get("/v1/orgs/hrh/form-assignments?userId=pat-1")).body.formAssignments;

  it("stores a visit as a submitted form on the patient's plan and closes the visit's item found by its key", async () => {
    const item = await app.post("/v1/orgs/hrh/work-queues/visits/items", {
      planId,
      priority: 1,
      key: "visit-v1",
    });
    expect(item.status).toBe(201);
    expect(item.body).toMatchObject({ key: "visit-v1", status: "scheduled", assignee: null });
    await publisher.publish(SUBJECT, visit("v1", "north"), "emr-visit-v1");
    const [form] = await waitFor(async () => {
      const found = await forms();
      return found.length > 0 && found;
    });
    expect(form).toMatchObject({
      planId,
      formName: "VisitNotes",
      status: "submitted",
      data: {
        visitId: "v1",
        clinic: "North Street Clinic",
        visitedAt: "2026-12-03T14:30:00.000Z",
        weightKg: 61.5,
      },
    });
    const closed = await waitFor(async () => {
      const got = (await app.get(`/v1/orgs/hrh/work-queue-items/${item.body.id}`)).body;
      return got.status === "done" && got;
    });
    expect(closed).toMatchObject({ key: "visit-v1" });
    // A second item with the same key in the queue is refused: the key finds one item.
    const twice = await app.post("/v1/orgs/hrh/work-queues/visits/items", {
      planId,
      priority: 1,
      key: "visit-v1",
    });
    expect(twice.status).toBe(409);
  });

  it("puts a visit from an unknown clinic on the nurse's queue; approving stores it once, rejecting records why", async () => {
    const before = (await forms()).length;
    await publisher.publish(SUBJECT, visit("v2", "lake"), "emr-visit-v2");
    await publisher.publish(SUBJECT, visit("v3", "hill"), "emr-visit-v3");
    const proposed = await waitFor(async () => {
      const items = (
        await app.get("/v1/orgs/hrh/work-queue-items?queue=record-review&assignee=nurse-on-duty")
      ).body.workQueueItems;
      return items.length === 2 && items;
    });
    expect((await forms()).length).toBe(before); // nothing applied by itself
    const byVisit = async (visitId: string) => {
      for (const item of proposed) {
        const proposal = (await app.get(`/v1/orgs/hrh/work-queue-items/${item.id}/proposal`)).body;
        if (proposal.change.params.data.visitId === visitId) return { item, proposal };
      }
      throw new Error(`no proposal for ${visitId}`);
    };
    const v2 = await byVisit("v2");
    expect(v2.proposal).toMatchObject({
      status: "pending",
      change: { service: "forms", command: "recordSubmission", params: { formName: "VisitNotes", planId } },
    });

    const approved = await app.post(`/v1/orgs/hrh/work-queue-items/${v2.item.id}/approve`, {});
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: "applied", decidedBy: expect.stringMatching(/^key:/) });
    const again = await app.post(`/v1/orgs/hrh/work-queue-items/${v2.item.id}/approve`, {});
    expect(again.body).toEqual(approved.body);
    const stored = (await forms()).filter(
      (f: { data: { visitId?: string } | null }) => f.data?.visitId === "v2",
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      id: approved.body.outcome.id,
      status: "submitted",
      data: { clinic: "lake" },
    });

    const v3 = await byVisit("v3");
    const rejected = await app.post(`/v1/orgs/hrh/work-queue-items/${v3.item.id}/reject`, {
      reason: "the EMR sent this visit to the wrong patient",
    });
    expect(rejected.body).toMatchObject({
      status: "rejected",
      reason: "the EMR sent this visit to the wrong patient",
    });
    expect((await app.post(`/v1/orgs/hrh/work-queue-items/${v3.item.id}/approve`, {})).status).toBe(409);
    expect(
      (await forms()).filter((f: { data: { visitId?: string } | null }) => f.data?.visitId === "v3"),
    ).toEqual([]);
  });
});
