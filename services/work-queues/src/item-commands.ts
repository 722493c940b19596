import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { ConflictError, NotFoundError, ValidationError } from "@switchboard/errors";
import { runIdempotent } from "@switchboard/db";
import { emitEvent } from "@switchboard/outbox";
import type { ParamsOf, workQueuesContract } from "@switchboard/contracts";
import type { CommandMeta, DomainParts } from "@switchboard/runtime";
import {
  findItemByKeyForUpdate,
  findItemForUpdate,
  insertItem,
  updateItem,
  type WorkQueueItem,
} from "./work-queue-item.repository.js";
import { findQueue } from "./work-queue.repository.js";
import type { WorkQueuesDB } from "./work-queues.tables.js";

export type Outcome = { result: WorkQueueItem; replayed: boolean };

export type CreateItemInput = ParamsOf<typeof workQueuesContract, "createItem">;

function checkStatus(queue: { name: string; statuses: string[] }, status: string): void {
  if (!queue.statuses.includes(status)) {
    throw new ValidationError(
      `status "${status}" is not a status of work queue "${queue.name}" (statuses: ${queue.statuses.join(", ")})`,
    );
  }
}

/** Puts a plan's item on a queue in the queue's first status (or the one given); emits workQueueItemCreated. */
export async function createItem(
  parts: DomainParts<WorkQueuesDB>,
  meta: CommandMeta,
  input: CreateItemInput,
): Promise<Outcome> {
  const plan = await planOf(parts, meta, input.planId);
  const request = { ...input, serviceLocation: input.serviceLocation ?? null };
  return runIdempotent(
    parts.db,
    parts.source.schema,
    { orgId: meta.orgId, key: meta.idempotencyKey, operation: "createItem", request },
    (trx) => putItem(trx, parts, meta, request, plan),
  );
}

export async function planOf(
  parts: DomainParts<WorkQueuesDB>,
  meta: CommandMeta,
  planId: string,
): Promise<{ id: string; isTest: boolean }> {
  const { plan } = await parts.commands.plans.getPlan({ orgId: meta.orgId, params: { planId } });
  return plan;
}

/** Inserts the item in the transaction and writes its workQueueItemCreated. */
export async function putItem(
  trx: Kysely<WorkQueuesDB>,
  parts: DomainParts<WorkQueuesDB>,
  meta: CommandMeta,
  input: CreateItemInput & { serviceLocation: string | null },
  plan: { id: string; isTest: boolean },
): Promise<WorkQueueItem> {
  const queue = await findQueue(trx, meta.orgId, input.queue);
  if (queue === undefined) throw new NotFoundError(`work queue "${input.queue}" does not exist`);
  const status = input.status ?? queue.statuses[0]!;
  checkStatus(queue, status);
  if (input.key !== undefined && (await findItemByKeyForUpdate(trx, meta.orgId, queue.name, input.key)))
    throw new ConflictError(`work queue "${queue.name}" already has an item with key "${input.key}"`);
  const item = await insertItem(trx, meta.orgId, {
    id: randomUUID(),
    queueName: queue.name,
    planId: plan.id,
    status,
    priority: input.priority,
    serviceLocation: input.serviceLocation,
    key: input.key ?? null,
    assignee: input.assignee ?? null,
    isTest: plan.isTest,
  });
  await emitEvent(trx, parts.source, meta, "workQueueItemCreated", {
    planId: item.planId,
    workQueueName: item.queueName,
    workQueueItemId: item.id,
    status: item.status,
    priority: item.priority,
    serviceLocation: item.serviceLocation,
    isTest: item.isTest,
  });
  return item;
}

/** Moves an item to a status of its queue; emits workQueueItemStatusUpdated when the status changes. */
export function setItemStatus(
  parts: DomainParts<WorkQueuesDB>,
  meta: CommandMeta,
  input: ParamsOf<typeof workQueuesContract, "setItemStatus">,
): Promise<Outcome> {
  return moveFound(parts, meta, "setItemStatus", input, async (trx) => {
    const found = await findItemForUpdate(trx, meta.orgId, input.workQueueItemId);
    if (found === undefined)
      throw new NotFoundError(`work queue item ${input.workQueueItemId} does not exist`);
    return found;
  });
}

/** The same move, of the item a queue holds under a key another system gave it. */
export function updateItemByKey(
  parts: DomainParts<WorkQueuesDB>,
  meta: CommandMeta,
  input: ParamsOf<typeof workQueuesContract, "updateItemByKey">,
): Promise<Outcome> {
  return moveFound(parts, meta, "updateItemByKey", input, async (trx) => {
    const found = await findItemByKeyForUpdate(trx, meta.orgId, input.queue, input.key);
    if (found === undefined)
      throw new NotFoundError(`work queue "${input.queue}" has no item with key "${input.key}"`);
    return found;
  });
}

function moveFound(
  parts: DomainParts<WorkQueuesDB>,
  meta: CommandMeta,
  operation: string,
  input: { status: string; priority?: number | undefined },
  find: (trx: Kysely<WorkQueuesDB>) => Promise<WorkQueueItem>,
): Promise<Outcome> {
  return runIdempotent(
    parts.db,
    parts.source.schema,
    { orgId: meta.orgId, key: meta.idempotencyKey, operation, request: input },
    async (trx) => moveItem(trx, parts, meta, await find(trx), input),
  );
}

async function moveItem(
  trx: Kysely<WorkQueuesDB>,
  parts: DomainParts<WorkQueuesDB>,
  meta: CommandMeta,
  current: WorkQueueItem,
  input: { status: string; priority?: number | undefined },
): Promise<WorkQueueItem> {
  const queue = await findQueue(trx, meta.orgId, current.queueName);
  if (queue === undefined) throw new NotFoundError(`work queue "${current.queueName}" no longer exists`);
  checkStatus(queue, input.status);
  const item = await updateItem(trx, meta.orgId, current.id, {
    status: input.status,
    priority: input.priority ?? current.priority,
  });
  if (current.status !== item.status) {
    await emitEvent(trx, parts.source, meta, "workQueueItemStatusUpdated", {
      planId: item.planId,
      workQueueName: item.queueName,
      workQueueItemId: item.id,
      status: item.status,
      oldStatus: current.status,
      priority: item.priority,
      serviceLocation: item.serviceLocation,
      isTest: item.isTest,
    });
  }
  return item;
}
