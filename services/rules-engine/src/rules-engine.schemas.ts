import { ORG_ID_SCHEMA as ORG, ORG_PARAMS } from "@switchboard/http";
import { RULE_RUN_STATUSES } from "./rule-run.repository.js";
/** JSON Schemas of the HTTP API's params, queries and bodies (rule documents are checked by @switchboard/rules). */

// Checked in full by assertInboundName, whose error names the rule; this only bounds the input.
const INBOUND_NAME = { type: "string", minLength: 1, maxLength: 128 } as const;
const RULE_ID = { type: "string", minLength: 1, maxLength: 128 } as const;
const VERSION = { type: "integer", minimum: 1, maximum: 2_147_483_647 } as const;

export const orgParams = ORG_PARAMS;

export const definitionParams = {
  type: "object",
  properties: { org: ORG, name: INBOUND_NAME },
  required: ["org", "name"],
  additionalProperties: false,
} as const;

export const definitionBody = {
  type: "object",
  properties: {
    description: { type: "string", maxLength: 2000 },
    schema: { type: "object", description: "JSON Schema (draft 2020-12) of the payload; only local $refs" },
    dedup: {
      type: "object",
      description:
        '{ "mode": "id-or-payload" } (default), { "mode": "id" } or { "mode": "key", "key": <JSON Logic> }',
    },
  },
  required: ["description", "schema"],
  additionalProperties: false,
} as const;

export const samplesQuery = {
  type: "object",
  properties: { limit: { type: "integer", minimum: 1, maximum: 100, default: 20 } },
  additionalProperties: false,
} as const;

export const ruleParams = {
  type: "object",
  properties: { org: ORG, ruleId: RULE_ID },
  required: ["org", "ruleId"],
  additionalProperties: false,
} as const;

export const versionParams = {
  type: "object",
  properties: { org: ORG, ruleId: RULE_ID, version: VERSION },
  required: ["org", "ruleId", "version"],
  additionalProperties: false,
} as const;

export const saveRuleQuery = {
  type: "object",
  properties: { activate: { type: "boolean", default: false } },
  additionalProperties: false,
} as const;

/** The rule document is validated by the handler so that problems come back as rule problems. */
export const ruleBody = {
  description: "a rule document (schemas/rule.schema.json); its id must equal the path's ruleId",
} as const;

export const versionsQuery = {
  type: "object",
  properties: { limit: { type: "integer", minimum: 1, maximum: 500, default: 100 }, before: VERSION },
  additionalProperties: false,
} as const;

export const activateBody = {
  type: "object",
  properties: { version: VERSION },
  required: ["version"],
  additionalProperties: false,
} as const;

export const patchRuleBody = {
  type: "object",
  properties: { enabled: { type: "boolean" } },
  required: ["enabled"],
  additionalProperties: false,
} as const;

export const dryRunBody = {
  type: "object",
  description: "either rule (a draft document) or ruleId (and version); either payload or recent",
  properties: {
    rule: { type: "object" },
    ruleId: RULE_ID,
    version: VERSION,
    payload: { description: "a payload of the rule's trigger" },
    recent: {
      type: "integer",
      minimum: 1,
      maximum: 100,
      description: "dry-run the last N messages received",
    },
    receivedAt: {
      type: "string",
      maxLength: 64,
      description:
        "when the payload is taken to arrive (a date-time with a zone; default: now): a timer's `after` counts from it (a system event's occurredAt instead)",
    },
  },
  additionalProperties: false,
} as const;

export const ruleRunsQuery = {
  type: "object",
  properties: {
    ruleId: RULE_ID,
    status: { enum: RULE_RUN_STATUSES, description: "only runs with this outcome" },
    from: {
      type: "string",
      maxLength: 64,
      description:
        "only runs made at or after this date-time with a zone (ISO 8601, e.g. 2026-12-03T09:30:00Z)",
    },
    to: {
      type: "string",
      maxLength: 64,
      description: "only runs made before this date-time with a zone (ISO 8601)",
    },
    limit: { type: "integer", minimum: 1, maximum: 500, default: 100 },
    before: {
      type: "integer",
      minimum: 1,
      // Ids are bigserial; a larger number is not exact in JSON and past 2^63 is a database error.
      maximum: Number.MAX_SAFE_INTEGER,
      description: "id of the last run of the previous page",
    },
  },
  additionalProperties: false,
} as const;

const RULE_WARNINGS = {
  type: "array",
  description:
    "things the author should look at that did not stop the save, e.g. a var path an open object does not declare; empty when none",
  items: {
    type: "object",
    properties: {
      path: { type: "string", description: "JSON pointer into the rule document" },
      message: { type: "string" },
      code: { type: "string", enum: ["undeclared-path"] },
    },
    required: ["path", "message", "code"],
    additionalProperties: false,
  },
} as const;

export const savedRuleResponse = {
  type: "object",
  properties: {
    ruleId: RULE_ID,
    version: VERSION,
    activeVersion: { type: ["integer", "null"] },
    enabled: { type: "boolean" },
    warnings: RULE_WARNINGS,
  },
  required: ["ruleId", "version", "activeVersion", "enabled", "warnings"],
  additionalProperties: false,
} as const;

const RESOLVED_ACTION = {
  type: "object",
  properties: {
    index: { type: "integer" },
    type: { type: "string" },
    target: { type: "object", additionalProperties: true },
    params: { type: "object", additionalProperties: true },
  },
  required: ["index", "type", "target", "params"],
  additionalProperties: false,
} as const;

export const dryRunResponse = {
  type: "object",
  properties: {
    ruleId: RULE_ID,
    version: { ...VERSION, description: "absent for a draft" },
    trigger: {
      type: "object",
      properties: { kind: { type: "string", enum: ["inbound", "event"] }, name: { type: "string" } },
      required: ["kind", "name"],
      additionalProperties: false,
    },
    results: {
      type: "array",
      items: {
        type: "object",
        properties: {
          messageId: { type: "string" },
          valid: { type: "boolean" },
          errors: { type: "array", items: { type: "object", additionalProperties: true } },
          matched: { type: "boolean" },
          actions: { type: "array", items: RESOLVED_ACTION },
          error: { type: "string" },
          timer: {
            type: "object",
            description: "a rule with a timer: when it would fire, and the key a follow-up cancels it by",
            properties: { dueAt: { type: "string" }, key: { type: ["string", "null"] } },
            required: ["dueAt", "key"],
            additionalProperties: false,
          },
        },
        required: ["valid", "matched", "actions"],
        additionalProperties: false,
      },
    },
    warnings: RULE_WARNINGS,
  },
  required: ["ruleId", "trigger", "results", "warnings"],
  additionalProperties: false,
} as const;
