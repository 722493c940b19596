import { FORM_ASSIGNMENT_STATUS, NAME, OBJECT, USER_ID, UUID } from "@switchboard/contracts";
import { ORG_ID_SCHEMA as ORG, ORG_PARAMS } from "@switchboard/http";

export const planParams = {
  type: "object",
  properties: { org: ORG, planId: UUID },
  required: ["org", "planId"],
  additionalProperties: false,
} as const;

export const assignmentParams = {
  type: "object",
  properties: { org: ORG, id: UUID },
  required: ["org", "id"],
  additionalProperties: false,
} as const;

export const orgParams = ORG_PARAMS;

export const assignBody = {
  type: "object",
  properties: { formName: NAME, userId: USER_ID, prefill: OBJECT },
  required: ["formName", "userId"],
  additionalProperties: false,
} as const;

export const submitBody = {
  type: "object",
  properties: { data: OBJECT },
  required: ["data"],
  additionalProperties: false,
} as const;

export const listQuery = {
  type: "object",
  properties: {
    userId: USER_ID,
    planId: UUID,
    status: FORM_ASSIGNMENT_STATUS,
    limit: { type: "integer", minimum: 1, maximum: 500, default: 100 },
  },
  additionalProperties: false,
} as const;
