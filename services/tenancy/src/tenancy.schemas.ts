import { ORG_ID_SCHEMA, ROLES, ORG_PARAMS } from "@switchboard/http";

export const ORG_ID = ORG_ID_SCHEMA;

export const orgParams = ORG_PARAMS;

export const orgSchema = {
  type: "object",
  properties: { id: ORG_ID, name: { type: "string" }, createdAt: { type: "string", format: "date-time" } },
  required: ["id", "name", "createdAt"],
  additionalProperties: false,
} as const;

export const whoamiSchema = {
  type: "object",
  properties: {
    keyId: { type: "string" },
    orgId: { type: ["string", "null"], description: "null for a platform key" },
    orgName: { type: ["string", "null"] },
    roles: { type: "array", items: { type: "string" } },
  },
  required: ["keyId", "orgId", "orgName", "roles"],
  additionalProperties: false,
} as const;

export const createOrgBody = {
  type: "object",
  properties: { id: ORG_ID, name: { type: "string", minLength: 1, maxLength: 200 } },
  required: ["id", "name"],
  additionalProperties: false,
} as const;

/** Org keys may hold any role but platform-admin, which only platform keys carry. */
export const ORG_ROLES = ROLES.filter((r) => r !== "platform-admin");

export const createKeyBody = {
  type: "object",
  properties: {
    name: { type: "string", minLength: 1, maxLength: 200 },
    roles: { type: "array", items: { type: "string", enum: ORG_ROLES }, minItems: 1, uniqueItems: true },
  },
  required: ["name", "roles"],
  additionalProperties: false,
} as const;

export const apiKeySchema = {
  type: "object",
  properties: {
    id: { type: "string" },
    orgId: { type: "string" },
    name: { type: "string" },
    roles: { type: "array", items: { type: "string" } },
    createdAt: { type: "string", format: "date-time" },
  },
  required: ["id", "orgId", "name", "roles", "createdAt"],
  additionalProperties: false,
} as const;
