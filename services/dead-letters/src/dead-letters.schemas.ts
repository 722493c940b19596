import { ORG_ID_SCHEMA as ORG, ORG_PARAMS } from "@switchboard/http";

/** JSON Schemas of the desk's params, queries and bodies. */

/** A DLQ stream sequence. */
const SEQ = { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;
const CURSOR = { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
/** The stage as the DLQ subject spells it (one subject token). */
const STAGE = { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" } as const;

export const MAX_RETRY_BATCH = 100;

export const orgParams = ORG_PARAMS;

export const entryParams = {
  type: "object",
  properties: { org: ORG, id: SEQ },
  required: ["org", "id"],
  additionalProperties: false,
} as const;

export const listQuery = {
  type: "object",
  properties: {
    stage: STAGE,
    status: { type: "string", enum: ["open", "retried", "resolved"] },
    after: { ...CURSOR, default: 0 },
    limit: { type: "integer", minimum: 1, maximum: 500, default: 50 },
  },
  additionalProperties: false,
} as const;

export const retryManyBody = {
  type: "object",
  description:
    'Either `ids`, or `status: "open"` (with `stage`, `after`, `limit` to narrow it): the open entries after a cursor.',
  properties: {
    ids: { type: "array", items: SEQ, minItems: 1, maxItems: MAX_RETRY_BATCH, uniqueItems: true },
    status: { type: "string", enum: ["open"] },
    stage: STAGE,
    after: CURSOR,
    limit: { type: "integer", minimum: 1, maximum: MAX_RETRY_BATCH },
  },
  additionalProperties: false,
} as const;

export const resolveBody = {
  type: "object",
  properties: { comment: { type: "string", minLength: 1, maxLength: 2000, pattern: "\\S" } },
  required: ["comment"],
  additionalProperties: false,
} as const;
