import type { Infer } from "./infer.js";

/**
 * The health of an org's integrations, as `GET /v1/orgs/{org}/health` answers it: its webhooks, its
 * inbound events and its NATS credentials, each with the same figures. Each service computes its own
 * (the webhook bridge, the rules engine, tenancy) and answers them as a command; the console shows
 * them. Written once here as JSON Schema: the commands, the HTTP replies and the types derive from it.
 */

const NULLABLE_INSTANT = { type: ["string", "null"], format: "date-time" } as const;
const COUNT = { type: "integer", minimum: 0 } as const;

/** The figures every row has, whatever it is the health of. */
const FIGURES = {
  lastSuccessAt: { ...NULLABLE_INSTANT, description: "the last success; null when none is on record" },
  lastFailureAt: { ...NULLABLE_INSTANT, description: "the last failure; null when none is on record" },
  attempts24h: { ...COUNT, description: "succeeded24h + failed24h" },
  succeeded24h: COUNT,
  failed24h: COUNT,
  successRate24h: {
    type: ["number", "null"],
    minimum: 0,
    maximum: 1,
    description: "succeeded24h / attempts24h; null without attempts",
  },
  backlog: { type: ["integer", "null"], minimum: 0, description: "what waits; null when unknown" },
} as const;

const FIGURE_NAMES = [
  "lastSuccessAt",
  "lastFailureAt",
  "attempts24h",
  "succeeded24h",
  "failed24h",
  "successRate24h",
  "backlog",
] as const;

/**
 * A webhook subscription: from its delivery log and its consumer. An attempt is one delivery
 * attempt; it succeeded when delivered (`delivered24h`, the same as `succeeded24h`). Backlog: events
 * pending in its consumer plus delivered but not yet acked.
 */
export const WEBHOOK_HEALTH = {
  type: "object",
  properties: {
    id: { type: "string" },
    url: { type: "string" },
    enabled: { type: "boolean" },
    delivered24h: COUNT,
    ...FIGURES,
  },
  required: ["id", "url", "enabled", "delivered24h", ...FIGURE_NAMES],
  additionalProperties: false,
} as const;

/**
 * A declared inbound event: a success is a message the rules engine finished (its runs recorded, or
 * a duplicate of one that was), a failure one it dead-lettered (invalid payload, a rule's action
 * failed, out of retries). Backlog: messages of the event past the engine's ack floor.
 */
export const INBOUND_EVENT_HEALTH = {
  type: "object",
  properties: {
    name: { type: "string" },
    lastFailureReason: { type: ["string", "null"], description: "the dead-letter stage of the last failure" },
    ...FIGURES,
  },
  required: ["name", "lastFailureReason", ...FIGURE_NAMES],
  additionalProperties: false,
} as const;

/**
 * A NATS credential: a success is a connection the server accepted, a failure a connection it
 * refused (authentication) or closed for an authorization reason (revoked, expired). Backlog: events
 * waiting in its own durable consumer; null without `consume` access.
 */
export const NATS_CREDENTIAL_HEALTH = {
  type: "object",
  properties: {
    id: { type: "string" },
    name: { type: "string" },
    revokedAt: NULLABLE_INSTANT,
    lastFailureReason: { type: ["string", "null"], description: "as the NATS server said it" },
    ...FIGURES,
  },
  required: ["id", "name", "revokedAt", "lastFailureReason", ...FIGURE_NAMES],
  additionalProperties: false,
} as const;

/** The parts of the answer, as `unavailable` names the ones whose service did not answer. */
export const HEALTH_PARTS = ["webhooks", "inboundEvents", "natsCredentials"] as const;

export const ORG_HEALTH = {
  type: "object",
  properties: {
    webhooks: { type: "array", items: WEBHOOK_HEALTH },
    inboundEvents: { type: "array", items: INBOUND_EVENT_HEALTH },
    natsCredentials: { type: "array", items: NATS_CREDENTIAL_HEALTH },
    unavailable: {
      type: "array",
      items: { type: "string", enum: HEALTH_PARTS },
      description: "parts whose service did not answer (their list is empty)",
    },
  },
  required: ["webhooks", "inboundEvents", "natsCredentials", "unavailable"],
  additionalProperties: false,
} as const;

export type WebhookHealth = Infer<typeof WEBHOOK_HEALTH>;
export type InboundEventHealth = Infer<typeof INBOUND_EVENT_HEALTH>;
export type NatsCredentialHealth = Infer<typeof NATS_CREDENTIAL_HEALTH>;
export type OrgHealth = Infer<typeof ORG_HEALTH>;
export type HealthPart = (typeof HEALTH_PARTS)[number];

/** The figures every row has. */
export type HealthFigures = Pick<WebhookHealth, (typeof FIGURE_NAMES)[number]>;

/** What a service counted for one row: its last times, and its counts over the last 24 hours. */
export interface HealthCounts {
  succeeded: number;
  failed: number;
  lastSuccessAt: Date | string | null;
  lastFailureAt: Date | string | null;
}

const iso = (at: Date | string | null) => (at === null ? null : new Date(at).toISOString());

/** The figures of a row from its counts; the rate is null without attempts. */
export function healthFigures(counts: HealthCounts | undefined, backlog: number | null): HealthFigures {
  const succeeded = counts?.succeeded ?? 0;
  const failed = counts?.failed ?? 0;
  const attempts = succeeded + failed;
  return {
    lastSuccessAt: iso(counts?.lastSuccessAt ?? null),
    lastFailureAt: iso(counts?.lastFailureAt ?? null),
    attempts24h: attempts,
    succeeded24h: succeeded,
    failed24h: failed,
    successRate24h: attempts === 0 ? null : succeeded / attempts,
    backlog,
  };
}
