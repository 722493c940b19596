import { ORG_ID_SCHEMA as ORG } from "@switchboard/http";
const NAME = { type: "string", minLength: 1, maxLength: 100, pattern: "^[A-Za-z0-9_.-]+$" } as const;
const USER_ID = { type: "string", minLength: 1, maxLength: 200 } as const;
const UUID = { type: "string", format: "uuid" } as const;

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

/** The command form: a plan by id, or the user's latest plan of a template (what rules name). */
export const assignFormCommand = {
  type: "object",
  properties: {
    planId: UUID,
    plan: {
      type: "object",
      properties: { templateName: NAME },
      required: ["templateName"],
      additionalProperties: false,
    },
    formName: NAME,
    userId: USER_ID,
    prefill: { type: "object" },
  },
  required: ["formName", "userId"],
  oneOf: [{ required: ["planId"] }, { required: ["plan"] }],
  additionalProperties: false,
} as const;

export const submitFormCommand = {
  type: "object",
  properties: { formAssignmentId: UUID, data: { type: "object" } },
  required: ["formAssignmentId", "data"],
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
