import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schemaTables } from "@switchboard/db";
import { NotFoundError } from "@switchboard/errors";
import { startTestWorkers, type RunningWorkers, type ServiceContext } from "@switchboard/runtime";
import {
  createTestDatabase,
  recordMessages,
  startNatsServer,
  waitFor,
  type RecordedMessage,
} from "@switchboard/testing";
import { SCHEMA } from "./migrations.js";
import { upsertQueue } from "./work-queue.repository.js";
import { createWorkQueuesService } from "./work-queues.service.js";
import type { WorkQueuesDB } from "./work-queues.tables.js";

const PLAN = { id: randomUUID(), templateName: "care", userId: "p-1", isTest: true, roleAssignments: [] };

/** Plans is another service: its getPlan answers PLAN in org-a, in process, through the command path. */
function plans(ctx: ServiceContext) {
  ctx.localCommands.register("plans", {
    getPlan: async (request) => {
      const { planId } = request.params as { planId: string };
      if (request.orgId !== "org-a" || planId !== PLAN.id) throw new NotFoundError(`plan ${planId}`);
      return { plan: { ...PLAN, createdAt: new Date().toISOString() }, template: {} };
    },
  });
  return { name: "plans", start: async () => {}, stop: async () => {} };
}

describe("the work-queues service", () => {
  let running: RunningWorkers;
  let published: RecordedMessage[];

  beforeAll(async () => {
    running = await startTestWorkers({
      nats: await startNatsServer(),
      database: await createTestDatabase("sb_work_queues"),
      factories: [plans, createWorkQueuesService],
    });
    const db = schemaTables<WorkQueuesDB>(running.context.database.db);
    await upsertQueue(db, "org-a", { name: "triage", statuses: ["new", "in-progress", "done"] });
    published = await recordMessages(running.context.nc, "switchboard.events.>");
  });
  afterAll(async () => running?.stop());

  const queues = () => running.context.commands["work-queues"];
  const eventsOf = (itemId: string, type: string) =>
    published
      .filter((e) => e.subject.endsWith(`.${type}`))
      .map((e) => (e.data as { info: { workQueueItemId: string } }).info)
      .filter((info) => info.workQueueItemId === itemId);
  const outboxRowsOf = async (itemId: string, type: string) => {
    const outbox = schemaTables<WorkQueuesDB>(running.context.database.db).withSchema(SCHEMA);
    const rows = await outbox.selectFrom("outbox").select(["subject", "payload"]).execute();
    return rows.filter((r) => r.subject.endsWith(`.${type}`) && r.payload.includes(itemId));
  };
  const create = (idempotencyKey?: string) =>
    queues().createItem({
      orgId: "org-a",
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      params: { queue: "triage", planId: PLAN.id, priority: 3, serviceLocation: "Ward 4" },
    });

  it("creates an item in the queue's first status, once per idempotency key, and emits workQueueItemCreated once", async () => {
    const item = await create("c-1");
    expect(item).toMatchObject({
      queueName: "triage",
      planId: PLAN.id,
      status: "new",
      priority: 3,
      serviceLocation: "Ward 4",
      isTest: true,
    });
    expect(await create("c-1")).toEqual(item);
    expect((await create("c-2")).id).not.toBe(item.id);
    await waitFor(() => eventsOf(item.id, "workQueueItemCreated")[0], { what: "workQueueItemCreated" });
    expect(eventsOf(item.id, "workQueueItemCreated")[0]).toMatchObject({
      workQueueName: "triage",
      status: "new",
      isTest: true,
    });
    expect(await outboxRowsOf(item.id, "workQueueItemCreated")).toHaveLength(1);
  });

  it("moves an item to another status and emits workQueueItemStatusUpdated with the old status", async () => {
    const item = await create();
    const moved = await queues().setItemStatus({
      orgId: "org-a",
      idempotencyKey: "s-1",
      params: { workQueueItemId: item.id, status: "in-progress", priority: 7 },
    });
    expect(moved).toMatchObject({ id: item.id, status: "in-progress", priority: 7 });
    const info = await waitFor(() => eventsOf(item.id, "workQueueItemStatusUpdated")[0], {
      what: "workQueueItemStatusUpdated",
    });
    expect(info).toMatchObject({ status: "in-progress", oldStatus: "new", priority: 7 });
    // The same status again changes nothing worth an event.
    await queues().setItemStatus({
      orgId: "org-a",
      params: { workQueueItemId: item.id, status: "in-progress" },
    });
    expect(await outboxRowsOf(item.id, "workQueueItemStatusUpdated")).toHaveLength(1);
  });

  it("refuses a queue, a plan or an item it does not know, and a status the queue does not have", async () => {
    const item = await create();
    const params = { queue: "triage", planId: PLAN.id, priority: 1 };
    await expect(
      queues().createItem({ orgId: "org-a", params: { ...params, queue: "intake" } }),
    ).rejects.toMatchObject({ code: "SB_ERR_NOT_FOUND" });
    await expect(queues().createItem({ orgId: "org-b", params })).rejects.toMatchObject({
      code: "SB_ERR_NOT_FOUND",
    });
    await expect(
      queues().createItem({ orgId: "org-a", params: { ...params, status: "archived" } }),
    ).rejects.toMatchObject({ code: "SB_ERR_VALIDATION" });
    await expect(
      queues().setItemStatus({ orgId: "org-a", params: { workQueueItemId: item.id, status: "archived" } }),
    ).rejects.toMatchObject({ code: "SB_ERR_VALIDATION" });
    await expect(
      queues().setItemStatus({ orgId: "org-b", params: { workQueueItemId: item.id, status: "done" } }),
    ).rejects.toMatchObject({ code: "SB_ERR_NOT_FOUND" });
  });
});
