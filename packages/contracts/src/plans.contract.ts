import { defineContract } from "./contract.js";
import { NAME, TIMESTAMP, USER_ID, UUID } from "./fragments.js";

const ROLE_ASSIGNMENT = {
  type: "object",
  properties: { roleId: NAME, userId: USER_ID },
  required: ["roleId", "userId"],
  additionalProperties: false,
} as const;

/** What creating a plan takes, over HTTP and as a command. */
export const createPlanParams = {
  type: "object",
  properties: {
    templateName: NAME,
    userId: USER_ID,
    isTest: { type: "boolean" },
    roleAssignments: { type: "array", maxItems: 100, items: ROLE_ASSIGNMENT },
  },
  required: ["templateName", "userId"],
  additionalProperties: false,
} as const;

const PLAN = {
  type: "object",
  properties: {
    id: UUID,
    templateName: NAME,
    userId: USER_ID,
    isTest: { type: "boolean" },
    roleAssignments: { type: "array", items: ROLE_ASSIGNMENT },
    createdAt: TIMESTAMP,
  },
  required: ["id", "templateName", "userId", "isTest", "roleAssignments", "createdAt"],
  additionalProperties: false,
} as const;

const NAMES = { type: "array", items: NAME } as const;

const PLAN_TEMPLATE = {
  type: "object",
  properties: { name: NAME, roles: NAMES, forms: NAMES, workQueues: NAMES, createdAt: TIMESTAMP },
  required: ["name", "roles", "forms", "workQueues", "createdAt"],
  additionalProperties: false,
} as const;

/** `<ns>.cmd.plans.*`: what other services (the rules engine, forms, work queues) ask of plans. */
export const plansContract = defineContract("plans", {
  createPlan: { params: createPlanParams, result: PLAN },
  /** A plan with its template's forms and work queues, for services that attach things to plans. */
  getPlan: {
    params: {
      type: "object",
      properties: { planId: UUID },
      required: ["planId"],
      additionalProperties: false,
    },
    result: {
      type: "object",
      properties: { plan: PLAN, template: { anyOf: [PLAN_TEMPLATE, { type: "null" }] } },
      required: ["plan", "template"],
      additionalProperties: false,
    },
  },
  /**
   * A user's plans, newest first (at most 100), optionally of one template, with the templates they
   * name (one each; a template since removed is left out). `templates` is optional: a plans service
   * older than it answers without, and callers then ask `getPlan`.
   */
  findPlans: {
    params: {
      type: "object",
      properties: { userId: USER_ID, templateName: NAME },
      required: ["userId"],
      additionalProperties: false,
    },
    result: {
      type: "object",
      properties: {
        plans: { type: "array", items: PLAN },
        templates: { type: "array", items: PLAN_TEMPLATE },
      },
      required: ["plans"],
      additionalProperties: false,
    },
  },
});
