import { defineContract } from "./contract.js";
import { NAME, OBJECT, STATUS, TIMESTAMP, USER_ID, UUID } from "./fragments.js";

export const PRIORITY = { type: "integer", minimum: 0, maximum: 1000 } as const;

/** Where the service happens, or null. */
export const SERVICE_LOCATION = { type: ["string", "null"], minLength: 1, maxLength: 200 } as const;

/** An item's key in its queue, given by the system that made it: another system finds the item by it. */
export const ITEM_KEY = { type: "string", minLength: 1, maxLength: 200 } as const;

/** An item of a plan on a work queue, over HTTP (the queue in the path) and, with `queue`, as a command. */
export const createItemBody = {
  type: "object",
  properties: {
    planId: UUID,
    priority: PRIORITY,
    serviceLocation: SERVICE_LOCATION,
    status: STATUS,
    key: ITEM_KEY,
    assignee: USER_ID,
  },
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

/** The commands a proposed change may run when approved: what rules' actions do, nothing else. */
export const PROPOSABLE_COMMANDS = [
  "forms.assignForm",
  "forms.recordSubmission",
  "plans.createPlan",
  "work-queues.createItem",
  "work-queues.setItemStatus",
  "work-queues.updateItemByKey",
] as const;

/** A command with its parameters, to run once approved. */
export const PROPOSED_CHANGE = {
  type: "object",
  properties: {
    service: { type: "string", enum: ["forms", "plans", "work-queues"] },
    command: NAME,
    params: OBJECT,
  },
  required: ["service", "command", "params"],
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
    key: { type: ["string", "null"] },
    assignee: { type: ["string", "null"] },
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
    "key",
    "assignee",
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
  /** Moves the item of a queue that has this key (see createItem's `key`), as setItemStatus does. */
  updateItemByKey: {
    params: {
      ...updateItemBody,
      properties: { queue: NAME, key: ITEM_KEY, ...updateItemBody.properties },
      required: ["queue", "key", "status"],
    },
    result: WORK_QUEUE_ITEM,
  },
  /**
   * Puts a change that must not apply itself on a queue, for its assignee to approve or reject:
   * approving runs `change` (a command of a domain service) with an idempotency key of its own.
   */
  proposeChange: {
    params: {
      type: "object",
      properties: {
        ...createItemBody.properties,
        queue: NAME,
        summary: { type: "string", minLength: 1, maxLength: 1000 },
        change: PROPOSED_CHANGE,
      },
      required: ["queue", "planId", "priority", "assignee", "change"],
      additionalProperties: false,
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
