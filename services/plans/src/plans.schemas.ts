import { ORG_ID_SCHEMA } from "@switchboard/http";

const NAME = { type: "string", minLength: 1, maxLength: 100, pattern: "^[A-Za-z0-9_.-]+$" } as const;
const USER_ID = { type: "string", minLength: 1, maxLength: 200 } as const;

export const orgParams = {
  type: "object",
  properties: { org: ORG_ID_SCHEMA },
  required: ["org"],
} as const;

export const templateBody = {
  type: "object",
  properties: {
    name: NAME,
    roles: { type: "array", items: NAME, uniqueItems: true, maxItems: 100 },
    forms: { type: "array", items: NAME, uniqueItems: true, maxItems: 500 },
    workQueues: { type: "array", items: NAME, uniqueItems: true, maxItems: 100 },
  },
  required: ["name", "roles"],
  additionalProperties: false,
} as const;

export const createPlanBody = {
  type: "object",
  properties: {
    templateName: NAME,
    userId: USER_ID,
    isTest: { type: "boolean" },
    roleAssignments: {
      type: "array",
      maxItems: 100,
      items: {
        type: "object",
        properties: { roleId: NAME, userId: USER_ID },
        required: ["roleId", "userId"],
        additionalProperties: false,
      },
    },
  },
  required: ["templateName", "userId"],
  additionalProperties: false,
} as const;

export const planIdParams = {
  type: "object",
  properties: { org: orgParams.properties.org, planId: { type: "string", format: "uuid" } },
  required: ["org", "planId"],
} as const;

export const getPlanParams = {
  type: "object",
  properties: { planId: { type: "string", format: "uuid" } },
  required: ["planId"],
  additionalProperties: false,
} as const;

export const findPlansParams = {
  type: "object",
  properties: { userId: USER_ID, templateName: NAME },
  required: ["userId"],
  additionalProperties: false,
} as const;

export const listPlansQuery = {
  type: "object",
  properties: {
    userId: USER_ID,
    templateName: NAME,
    limit: { type: "integer", minimum: 1, maximum: 500, default: 100 },
  },
  additionalProperties: false,
} as const;
