import { defineContract } from "./contract.js";
import { NAME, STATUS, TIMESTAMP, UUID } from "./fragments.js";

export const PRIORITY = { type: "integer", minimum: 0, maximum: 1000 } as const;

/** Where the service happens, or null. */
export const SERVICE_LOCATION = { type: ["string", "null"], minLength: 1, maxLength: 200 } as const;

/** An item of a plan on a work queue, over HTTP (the queue in the path) and, with `queue`, as a command. */
export const createItemBody = {
  type: "object",
  properties: { planId: UUID, priority: PRIORITY, serviceLocation: SERVICE_LOCATION, status: STATUS },
  required: ["planId", "priority"],
  additionalProperties: false,
} as const;

/** A new status for an item (and optionally a new priority), over HTTP (the item in the path) and, with `workQueueItemId`, as a command. */
export const updateItemBody = {
  type: "object",
  properties: { status: STATUS, priority: PRIORITY },
  required: ["status"],
  additionalProperties: false,
} as const;

const WORK_QUEUE_ITEM = {
  type: "object",
  properties: {
    id: UUID,
    queueName: NAME,
    planId: UUID,
    status: STATUS,
    priority: PRIORITY,
    serviceLocation: { type: ["string", "null"] },
    isTest: { type: "boolean" },
    createdAt: TIMESTAMP,
    updatedAt: TIMESTAMP,
  },
  required: [
    "id",
    "queueName",
    "planId",
    "status",
    "priority",
    "serviceLocation",
    "isTest",
    "createdAt",
    "updatedAt",
  ],
  additionalProperties: false,
} as const;

/** `<ns>.cmd.work-queues.*`: what rules do to work queues. */
export const workQueuesContract = defineContract("work-queues", {
  /** Puts a plan's item on a queue, in the queue's first status or the one given. */
  createItem: {
    params: {
      ...createItemBody,
      properties: { ...createItemBody.properties, queue: NAME },
      required: ["queue", "planId", "priority"],
    },
    result: WORK_QUEUE_ITEM,
  },
  /** Moves an item to a status of its queue (and optionally to a new priority). */
  setItemStatus: {
    params: {
      ...updateItemBody,
      properties: { workQueueItemId: UUID, ...updateItemBody.properties },
      required: ["workQueueItemId", "status"],
    },
    result: WORK_QUEUE_ITEM,
  },
});
