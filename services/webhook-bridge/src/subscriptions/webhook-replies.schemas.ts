/**
 * JSON Schemas of what the webhook routes answer. They are the one source of these shapes: the
 * TypeScript types (AttemptView, …) are inferred from them, and fastify serializes replies by them.
 */
import { TIMESTAMP } from "@switchboard/contracts";

/** A moment, or null when there is none. */
export const NULLABLE_TIME = { anyOf: [TIMESTAMP, { type: "null" }] } as const;

/** What sent an attempt: a consumed event, a replay, or a test send. */
export const ATTEMPT_KIND = { type: "string", enum: ["delivery", "replay", "test"] } as const;

/** How an attempt ended. */
export const ATTEMPT_OUTCOME = {
  type: "string",
  enum: ["delivered", "retry", "gone", "refused", "exhausted"],
} as const;

/** One delivery attempt as the log shows it. */
export const attemptSchema = {
  type: "object",
  properties: {
    id: { type: "integer" },
    subscriptionId: { type: "string" },
    messageId: { type: "string" },
    eventType: { type: "string" },
    attempt: { type: "integer" },
    kind: ATTEMPT_KIND,
    outcome: ATTEMPT_OUTCOME,
    status: { type: ["integer", "null"], description: "the HTTP status, if any" },
    durationMs: { type: "integer" },
    error: { type: ["string", "null"] },
    responseExcerpt: { type: ["string", "null"] },
    nextAttemptAt: NULLABLE_TIME,
    createdAt: TIMESTAMP,
  },
  required: [
    "id",
    "subscriptionId",
    "messageId",
    "eventType",
    "attempt",
    "kind",
    "outcome",
    "status",
    "durationMs",
    "error",
    "responseExcerpt",
    "nextAttemptAt",
    "createdAt",
  ],
  additionalProperties: false,
} as const;

export const attemptsReply = {
  type: "object",
  properties: { attempts: { type: "array", items: attemptSchema } },
  required: ["attempts"],
  additionalProperties: false,
} as const;

export const rotateReply = {
  type: "object",
  properties: {
    secret: { type: "string", description: "the new signing secret, shown this once" },
    previousSecretExpiresAt: NULLABLE_TIME,
  },
  required: ["secret", "previousSecretExpiresAt"],
  additionalProperties: false,
} as const;

export const mappingTestReply = {
  type: "object",
  properties: {
    matched: { type: "boolean", description: "whether the filter lets the event through" },
    eventTypeSubscribed: {
      type: "boolean",
      description: "whether the subscription is for this event's type",
    },
    body: { description: "the body the subscription would send for it" },
  },
  required: ["matched", "eventTypeSubscribed", "body"],
  additionalProperties: false,
} as const;
