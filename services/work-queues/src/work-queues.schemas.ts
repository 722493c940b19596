import { NAME, STATUS, USER_ID, UUID, createItemBody, updateItemBody } from "@switchboard/contracts";
import { ORG_ID_SCHEMA as ORG, ORG_PARAMS } from "@switchboard/http";

export const orgParams = ORG_PARAMS;
export const queueParams = {
  type: "object",
  properties: { org: ORG, queue: NAME },
  required: ["org", "queue"],
  additionalProperties: false,
} as const;
export const itemParams = {
  type: "object",
  properties: { org: ORG, id: UUID },
  required: ["org", "id"],
  additionalProperties: false,
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

export { createItemBody, updateItemBody };

export const rejectBody = {
  type: "object",
  properties: { reason: { type: "string", minLength: 1, maxLength: 1000 } },
  required: ["reason"],
  additionalProperties: false,
} as const;

export const listItemsQuery = {
  type: "object",
  properties: {
    queue: NAME,
    planId: UUID,
    status: STATUS,
    assignee: USER_ID,
    limit: { type: "integer", minimum: 1, maximum: 500, default: 100 },
  },
  additionalProperties: false,
} as const;
