import { NAME, USER_ID, UUID, createPlanParams } from "@switchboard/contracts";
import { ORG_ID_SCHEMA, ORG_PARAMS } from "@switchboard/http";

export const orgParams = ORG_PARAMS;

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

/** The HTTP body is the command's params. */
export const createPlanBody = createPlanParams;

export const planIdParams = {
  type: "object",
  properties: { org: ORG_ID_SCHEMA, planId: UUID },
  required: ["org", "planId"],
  additionalProperties: false,
} as const;

/** Any template name reaches the lookup, so a name no template can have is a 404, as it always was. */
export const templateNameParams = {
  type: "object",
  properties: { org: ORG_ID_SCHEMA, name: { type: "string" } },
  required: ["org", "name"],
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
