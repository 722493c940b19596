import { defineContract } from "./contract.js";
import { NOTHING, TIMESTAMP } from "./fragments.js";
import { NATS_CREDENTIAL_HEALTH } from "./integration-health.js";

/** What an API key may do. Stored on keys by name, so never rename one; only add. */
export const ROLES = Object.freeze([
  "platform-admin",
  "org-admin",
  "content-manager",
  "integration",
  "app",
  "viewer",
] as const);

/** `<ns>.cmd.tenancy.*`: how other services check API keys and orgs without reading tenancy's tables. */
export const tenancyContract = defineContract("tenancy", {
  /** Who holds the key with this SHA-256 (hex), or null. */
  authenticate: {
    params: {
      type: "object",
      properties: { tokenHash: { type: "string", pattern: "^[0-9a-f]{64}$" } },
      required: ["tokenHash"],
      additionalProperties: false,
    },
    result: {
      anyOf: [
        {
          type: "object",
          properties: {
            keyId: { type: "string" },
            /** null for a platform key, which belongs to no org. */
            orgId: { type: ["string", "null"] },
            roles: { type: "array", items: { type: "string", enum: ROLES } },
          },
          required: ["keyId", "orgId", "roles"],
          additionalProperties: false,
        },
        { type: "null" },
      ],
    },
  },
  /** The request's org, or null when it does not exist. */
  getOrg: {
    params: NOTHING,
    result: {
      anyOf: [
        {
          type: "object",
          properties: { id: { type: "string" }, name: { type: "string" }, createdAt: TIMESTAMP },
          required: ["id", "name", "createdAt"],
          additionalProperties: false,
        },
        { type: "null" },
      ],
    },
  },
  /** The health of each of the request's org's NATS credentials (revoked ones too), oldest first. */
  credentialHealth: {
    params: NOTHING,
    result: {
      type: "object",
      properties: { natsCredentials: { type: "array", items: NATS_CREDENTIAL_HEALTH } },
      required: ["natsCredentials"],
      additionalProperties: false,
    },
  },
});
