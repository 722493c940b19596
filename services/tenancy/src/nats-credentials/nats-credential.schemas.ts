import { CREDENTIAL_ACCESS } from "@switchboard/nats-auth";
import { ORG_ID_SCHEMA } from "@switchboard/http";

export const credentialParams = {
  type: "object",
  properties: { org: ORG_ID_SCHEMA, id: { type: "string", minLength: 1, maxLength: 100 } },
  required: ["org", "id"],
  additionalProperties: false,
} as const;

export const createCredentialBody = {
  type: "object",
  properties: {
    name: {
      type: "string",
      minLength: 1,
      maxLength: 100,
      description: "Who it is for, e.g. `scheduling system`.",
    },
    access: {
      type: "array",
      items: { type: "string", enum: CREDENTIAL_ACCESS },
      minItems: 1,
      uniqueItems: true,
      description:
        "`subscribe`: the org's events; `publish`: the org's inbound subjects; `consume`: a durable consumer of the org's events.",
    },
    expiresAt: {
      type: "string",
      format: "date-time",
      description: "When the servers stop accepting it; must be in the future.",
    },
  },
  required: ["name", "access"],
  additionalProperties: false,
} as const;

const nullableString = { type: ["string", "null"] } as const;

const credentialProperties = {
  id: { type: "string" },
  orgId: { type: "string" },
  name: { type: "string" },
  access: { type: "array", items: { type: "string" } },
  publicKey: { type: "string" },
  expiresAt: nullableString,
  createdAt: { type: "string", format: "date-time" },
  createdBy: { type: "string" },
  revokedAt: nullableString,
  revokedBy: nullableString,
  inboxPrefix: { type: "string" },
  subscribe: nullableString,
  publish: nullableString,
  consumer: {
    type: ["object", "null"],
    properties: { stream: { type: "string" }, durable: { type: "string" } },
    additionalProperties: false,
  },
} as const;

export const credentialSchema = {
  type: "object",
  properties: credentialProperties,
  required: [
    "id",
    "orgId",
    "name",
    "access",
    "publicKey",
    "expiresAt",
    "createdAt",
    "createdBy",
    "revokedAt",
  ],
  additionalProperties: false,
} as const;

export const createdCredentialSchema = {
  type: "object",
  properties: {
    ...credentialProperties,
    creds: {
      type: "string",
      description: "The standard NATS `.creds` file (user JWT and seed). Shown in this response only.",
    },
  },
  required: [...credentialSchema.required, "creds"],
  additionalProperties: false,
} as const;

export const credentialWithAuditSchema = {
  type: "object",
  properties: {
    ...credentialProperties,
    audit: {
      type: "array",
      items: {
        type: "object",
        properties: { action: { type: "string" }, actor: { type: "string" }, at: { type: "string" } },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
} as const;
