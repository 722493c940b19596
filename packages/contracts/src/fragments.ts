/**
 * Schema fragments several contracts (and the HTTP bodies beside them) share, written once: the
 * same limits hold for a name whether a rule, a command or a request carries it.
 */

/** Names of templates, forms, roles and work queues. */
export const NAME = { type: "string", minLength: 1, maxLength: 100, pattern: "^[A-Za-z0-9_.-]+$" } as const;

/** A user of the platform, by the id the platform gives them. */
export const USER_ID = { type: "string", minLength: 1, maxLength: 200 } as const;

export const UUID = { type: "string", format: "uuid" } as const;

/** A work-queue item's status: one of its queue's statuses. */
export const STATUS = { type: "string", minLength: 1, maxLength: 100 } as const;

/** A moment, as ISO 8601 text in UTC. */
export const TIMESTAMP = { type: "string", format: "date-time" } as const;

/** Any JSON object (form data, prefills, payload schemas). */
export const OBJECT = { type: "object" } as const;

/** The params of a command that takes nothing but its request's org. */
export const NOTHING = { type: "object", additionalProperties: false } as const;
