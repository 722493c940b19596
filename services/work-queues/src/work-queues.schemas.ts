import { ORG_ID_SCHEMA as ORG } from "@switchboard/http";
const NAME = { type: "string", minLength: 1, maxLength: 100, pattern: "^[A-Za-z0-9_.-]+$" } as const;
const UUID = { type: "string", format: "uuid" } as const;
const STATUS = { type: "string", minLength: 1, maxLength: 100 } as const;
const PRIORITY = { type: "integer", minimum: 0, maximum: 1000 } as const;
const LOCATION = { type: ["string", "null"], minLength: 1, maxLength: 200 } as const;

export const orgParams = { type: "object", properties: { org: ORG }, required: ["org"] } as const;
export const queueParams = {
  type: "object",
  properties: { org: ORG, queue: NAME },
  required: ["org", "queue"],
} as const;
export const itemParams = {
  type: "object",
  properties: { org: ORG, id: UUID },
  required: ["org", "id"],
} as const;

export const queueBody = {
  type: "object",
  properties: {
    statuses: { type: "array", items: STATUS, minItems: 1, maxItems: 100, uniqueItems: true },
    description: { type: "string", maxLength: 1000 },
  },
  required: ["statuses"],
  additionalProperties: false,
} as const;

export const createItemBody = {
  type: "object",
  properties: { planId: UUID, priority: PRIORITY, serviceLocation: LOCATION, status: STATUS },
  required: ["planId", "priority"],
  additionalProperties: false,
} as const;

export const updateItemBody = {
  type: "object",
  properties: { status: STATUS, priority: PRIORITY },
  required: ["status"],
  additionalProperties: false,
} as const;

export const createItemCommand = {
  ...createItemBody,
  properties: { ...createItemBody.properties, queue: NAME },
  required: ["queue", "planId", "priority"],
} as const;

export const setStatusCommand = {
  type: "object",
  properties: { workQueueItemId: UUID, status: STATUS, priority: PRIORITY },
  required: ["workQueueItemId", "status"],
  additionalProperties: false,
} as const;

export const listItemsQuery = {
  type: "object",
  properties: {
    queue: NAME,
    planId: UUID,
    status: STATUS,
    limit: { type: "integer", minimum: 1, maximum: 500, default: 100 },
  },
  additionalProperties: false,
} as const;
