import { INBOUND_NAME_MAX_LENGTH } from "@switchboard/events";
import { ORG_ID_SCHEMA as ORG, ORG_PARAMS } from "@switchboard/http";

export const orgParams = ORG_PARAMS;

/** The name's own rule (dotted tokens) is checked in the handler, for its SB_ERR_INVALID_NAME. */
export const inboundParams = {
  type: "object",
  properties: { org: ORG, name: { type: "string", minLength: 1, maxLength: INBOUND_NAME_MAX_LENGTH } },
  required: ["org", "name"],
  additionalProperties: false,
} as const;

export const acceptedResponse = {
  type: "object",
  description: "Stored in the INBOUND stream (after the broker's acknowledgement)",
  properties: {
    messageId: { type: "string" },
    duplicate: { type: "boolean", description: "the id was already stored; nothing new was stored" },
  },
  required: ["messageId", "duplicate"],
  additionalProperties: false,
} as const;

export const batchResponse = {
  type: "object",
  description: "One result per event of a CloudEvents batch, in order; each was handled on its own",
  properties: {
    results: {
      type: "array",
      items: {
        type: "object",
        properties: {
          index: { type: "integer" },
          messageId: { type: ["string", "null"] },
          status: { type: "integer", description: "202, 400, 413, 422, 500 or 503, as for a single event" },
          duplicate: { type: "boolean" },
          code: { type: "string" },
          detail: { type: "string" },
          errors: {
            type: "array",
            items: {
              type: "object",
              properties: {
                path: { type: "string" },
                message: { type: "string" },
                keyword: { type: "string" },
              },
              additionalProperties: false,
            },
          },
        },
        required: ["index", "messageId", "status"],
        additionalProperties: false,
      },
    },
  },
  required: ["results"],
  additionalProperties: false,
} as const;

/** Cursors are stream sequences; the top stays clear of `after + 1` leaving the safe integers. */
export const pollQuery = {
  type: "object",
  properties: {
    after: {
      type: "string",
      minLength: 1,
      maxLength: 200,
      pattern: "^(0|v1\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)$",
      default: "0",
      description: "`0` for the start, else a `next` or an event's `cursor` from an earlier answer",
    },
    types: { type: "string", maxLength: 2000, description: "comma-separated event types" },
    limit: { type: "integer", minimum: 1, maximum: 1000, default: 100 },
    waitMs: { type: "integer", minimum: 0, maximum: 30_000, default: 0 },
  },
  additionalProperties: false,
} as const;

export const pollResponse = {
  type: "object",
  properties: {
    events: {
      type: "array",
      items: {
        type: "object",
        properties: {
          cursor: {
            type: "string",
            description: "this event's position: pass as `after` to read what follows it",
          },
          event: { type: "object", additionalProperties: true },
        },
        required: ["cursor", "event"],
        additionalProperties: false,
      },
    },
    next: {
      type: "string",
      description:
        "pass as `after` to continue; opaque, good for this org only, and showing nothing of other orgs' traffic",
    },
  },
  required: ["events", "next"],
  additionalProperties: false,
} as const;
