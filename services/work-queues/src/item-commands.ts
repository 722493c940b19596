import { randomUUID } from "node:crypto";
import { NotFoundError, ValidationError } from "@switchboard/errors";
import { runIdempotent } from "@switchboard/db";
import { emitEvent } from "@switchboard/outbox";
import type { ParamsOf, workQueuesContract } from "@switchboard/contracts";
import type { CommandMeta, DomainParts } from "@switchboard/runtime";
import {
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
  const { plan } = await parts.commands.plans.getPlan({
    orgId: meta.orgId,
    params: { planId: input.planId },
  });
  const request = { ...input, serviceLocation: input.serviceLocation ?? null };
  return runIdempotent(
    parts.db,
    parts.source.schema,
    { orgId: meta.orgId, key: meta.idempotencyKey, operation: "createItem", request },
    async (trx) => {
      const queue = await findQueue(trx, meta.orgId, input.queue);
      if (queue === undefined) throw new NotFoundError(`work queue "${input.queue}" does not exist`);
      const status = input.status ?? queue.statuses[0]!;
      checkStatus(queue, status);
      const item = await insertItem(trx, meta.orgId, {
        id: randomUUID(),
        queueName: queue.name,
        planId: plan.id,
        status,
        priority: input.priority,
        serviceLocation: request.serviceLocation,
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
    },
  );
}

/** Moves an item to a status of its queue; emits workQueueItemStatusUpdated when the status changes. */
export async function setItemStatus(
  parts: DomainParts<WorkQueuesDB>,
  meta: CommandMeta,
  input: ParamsOf<typeof workQueuesContract, "setItemStatus">,
): Promise<Outcome> {
  return runIdempotent(
    parts.db,
    parts.source.schema,
    { orgId: meta.orgId, key: meta.idempotencyKey, operation: "setItemStatus", request: input },
    async (trx) => {
      const current = await findItemForUpdate(trx, meta.orgId, input.workQueueItemId);
      if (current === undefined)
        throw new NotFoundError(`work queue item ${input.workQueueItemId} does not exist`);
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
    },
  );
}
