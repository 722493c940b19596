import { NAME, USER_ID, UUID } from "@switchboard/contracts";
import { ORG_ID_SCHEMA as ORG } from "@switchboard/http";

export const planParams = {
  type: "object",
  properties: { org: ORG, planId: UUID },
  required: ["org", "planId"],
} as const;

export const assignmentParams = {
  type: "object",
  properties: { org: ORG, id: UUID },
  required: ["org", "id"],
} as const;

export const orgParams = { type: "object", properties: { org: ORG }, required: ["org"] } as const;

export const assignBody = {
  type: "object",
  properties: { formName: NAME, userId: USER_ID, prefill: { type: "object" } },
  required: ["formName", "userId"],
  additionalProperties: false,
} as const;

export const submitBody = {
  type: "object",
  properties: { data: { type: "object" } },
  required: ["data"],
  additionalProperties: false,
} as const;

export const listQuery = {
  type: "object",
  properties: {
    userId: USER_ID,
    planId: UUID,
    status: { type: "string", enum: ["assigned", "submitted"] },
    limit: { type: "integer", minimum: 1, maximum: 500, default: 100 },
  },
  additionalProperties: false,
} as const;
