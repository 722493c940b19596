/**
 * JSON Schemas of the webhook routes' params, queries and bodies. They bound sizes and types;
 * meaning (URL reachability, event types, JSON Logic, auth) is checked by the handlers so the
 * messages can say what is wrong in the subscription's own terms.
 */
import { MAX_PREVIOUS_SECRET_TTL_SECONDS } from "./signing-secrets.js";
import { MAX_MAPPING_TARGETS } from "./event-mapping.js";
import { TIMESTAMP, webhookBridgeContract } from "@switchboard/contracts";
import { ORG_ID_SCHEMA as ORG, ORG_PARAMS } from "@switchboard/http";
import { ATTEMPT_OUTCOME, NULLABLE_TIME } from "./webhook-replies.schemas.js";

// Loose on purpose: an id of the wrong shape is a subscription that does not exist (404).
const SUBSCRIPTION_ID = { type: "string", minLength: 1, maxLength: 64 } as const;

export const orgParams = ORG_PARAMS;

export const subscriptionParams = {
  type: "object",
  properties: { org: ORG, id: SUBSCRIPTION_ID },
  required: ["org", "id"],
  additionalProperties: false,
} as const;

const settings = {
  url: { type: "string", minLength: 1, maxLength: 2048, description: "http(s) URL the events are POSTed to" },
  description: { type: ["string", "null"], maxLength: 2000 },
  eventTypes: {
    type: "array",
    minItems: 1,
    maxItems: 50,
    items: { type: "string", minLength: 1, maxLength: 64 },
    description: 'system event types: the platform\'s own or custom ones that rules emit; ["*"] for all',
  },
  filter: { description: "JSON Logic over the event; only events for which it is truthy are sent" },
  mapping: {
    type: ["object", "null"],
    maxProperties: MAX_MAPPING_TARGETS,
    description: '{ "target.path": <JSON Logic over the event, or a literal> }; absent: the event as it is',
  },
  auth: {
    type: ["object", "null"],
    description:
      '{ "type": "basic", "username", "password" } | { "type": "bearer", "token" } | { "type": "header", "name", "value" }',
  },
  retrySchedule: {
    type: ["array", "null"],
    items: { type: "integer" },
    description: "ms before each attempt (the first usually 0); absent: the configured default",
  },
  timeoutMs: { type: "integer", minimum: 100, maximum: 30_000, description: "default 10000" },
  rateLimitPerSecond: { type: ["integer", "null"], minimum: 1, maximum: 1000 },
  ordered: { type: "boolean", description: "one delivery in flight at a time, in stream order" },
} as const;

export const createBody = {
  type: "object",
  properties: settings,
  required: ["url", "eventTypes"],
  additionalProperties: false,
} as const;

export const patchBody = {
  type: "object",
  properties: { ...settings, enabled: { type: "boolean" } },
  minProperties: 1,
  additionalProperties: false,
} as const;

/** Destination credentials as the API shows them: their kind and names, never a secret. */
export const PUBLIC_AUTH = {
  anyOf: [
    {
      type: "object",
      properties: { type: { const: "basic" }, username: { type: "string" } },
      required: ["type", "username"],
      additionalProperties: false,
    },
    {
      type: "object",
      properties: { type: { const: "bearer" } },
      required: ["type"],
      additionalProperties: false,
    },
    {
      type: "object",
      properties: { type: { const: "header" }, name: { type: "string" } },
      required: ["type", "name"],
      additionalProperties: false,
    },
    { type: "null" },
  ],
} as const;

/** A subscription as the API shows it: its settings, its status, no signing secret and no credential. */
export const subscriptionView = {
  type: "object",
  properties: {
    id: SUBSCRIPTION_ID,
    ...settings,
    // Every target of a mapping is shown, not only those a schema would name.
    mapping: { ...settings.mapping, additionalProperties: true },
    auth: PUBLIC_AUTH,
    enabled: { type: "boolean" },
    disabledReason: { type: ["string", "null"] },
    failingSince: NULLABLE_TIME,
    previousSecretsExpireAt: {
      type: "array",
      items: TIMESTAMP,
      description: "when each previous signing secret stops signing; empty when no rotation is under way",
    },
    createdAt: TIMESTAMP,
    updatedAt: TIMESTAMP,
  },
  required: [
    "id",
    "url",
    "description",
    "eventTypes",
    "filter",
    "mapping",
    "auth",
    "retrySchedule",
    "timeoutMs",
    "rateLimitPerSecond",
    "ordered",
    "enabled",
    "disabledReason",
    "failingSince",
    "previousSecretsExpireAt",
    "createdAt",
    "updatedAt",
  ],
  additionalProperties: false,
} as const;

/** The answer to a create: the view and the signing secret, shown this once. */
export const createdReply = {
  ...subscriptionView,
  properties: { ...subscriptionView.properties, secret: { type: "string" } },
  required: [...subscriptionView.required, "secret"],
} as const;

export const subscriptionsReply = {
  type: "object",
  properties: { webhooks: { type: "array", items: subscriptionView } },
  required: ["webhooks"],
  additionalProperties: false,
} as const;

export const rotateBody = {
  type: ["object", "null"],
  properties: {
    previousSecretTtlSeconds: {
      type: "integer",
      minimum: 0,
      maximum: MAX_PREVIOUS_SECRET_TTL_SECONDS,
      description: "how long the previous secret keeps signing (default 86400; 0 revokes it now)",
    },
  },
  additionalProperties: false,
} as const;

export const mappingTestBody = {
  type: "object",
  properties: { event: { type: "object", description: "a system event, as it travels on the bus" } },
  required: ["event"],
  additionalProperties: false,
} as const;

export const deliveriesQuery = {
  type: "object",
  properties: {
    messageId: { type: "string", minLength: 1, maxLength: 200 },
    outcome: ATTEMPT_OUTCOME,
    limit: { type: "integer", minimum: 1, maximum: 500, default: 100 },
    before: {
      type: "integer",
      minimum: 1,
      // Ids are bigserial; a larger number is not exact in JSON and past 2^63 is a database error.
      maximum: Number.MAX_SAFE_INTEGER,
      description: "id of the last attempt of the previous page",
    },
  },
  additionalProperties: false,
} as const;

export const replayBody = {
  type: "object",
  description: "{ messageId } or { since, until? } (ISO-8601 times)",
  properties: {
    messageId: { type: "string", minLength: 1, maxLength: 200 },
    since: { type: "string", maxLength: 64 },
    until: { type: "string", maxLength: 64 },
  },
  additionalProperties: false,
} as const;

/** The same rows as the org's health route answers (`webhookHealth`, a command of this service). */
export const webhookHealthReply = webhookBridgeContract.commands.webhookHealth.result;
