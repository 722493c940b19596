import { PROBLEM_CONTENT_TYPE } from "./problem.js";

/** Shared-schema id of the problem document; routes refer to it as `{ $ref: "Problem#" }`. */
export const PROBLEM_SCHEMA_ID = "Problem";

export const problemSchema = {
  $id: PROBLEM_SCHEMA_ID,
  type: "object",
  description: "RFC 9457 problem details; `code` is stable and is what clients should match on.",
  required: ["type", "title", "status", "detail", "code"],
  properties: {
    type: { type: "string", description: "urn:switchboard:problem:<code>" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string" },
    code: { type: "string", pattern: "^SB_ERR_[A-Z_]+$" },
    instance: { type: "string", description: "the request path" },
    errors: {
      type: "array",
      description: "field-level errors, e.g. { path: 'body/name', message: 'body/name must be string' }",
      items: { type: "object", additionalProperties: true },
    },
  },
  additionalProperties: true,
} as const;

const DESCRIPTIONS: Record<number, string> = {
  400: "Invalid request: schema violation, malformed or too deeply nested JSON",
  401: "Missing or unknown API key",
  403: "The API key lacks a role this operation requires",
  404: "Not found (also for resources of another org)",
  409: "Conflict with the current state",
  413: "Request body too large",
  415: "Unsupported media type",
  422: "The payload does not match its declared schema",
  429: "Too many requests",
  500: "Unexpected server error",
  503: "A dependency is unavailable",
  504: "A dependency timed out",
};

export type ProblemResponseSchema = {
  description: string;
  content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: string } } };
};

/**
 * Response-schema entries for the problems a route can answer, to spread into `schema.response`:
 * `response: { 200: …, ...problemResponses(400, 409) }`. Guarded routes get 401, 403 and 404 already.
 */
export function problemResponses(...statuses: number[]): Record<number, ProblemResponseSchema> {
  const responses: Record<number, ProblemResponseSchema> = {};
  for (const status of statuses) {
    responses[status] = {
      description: DESCRIPTIONS[status] ?? "Problem",
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: `${PROBLEM_SCHEMA_ID}#` } } },
    };
  }
  return responses;
}
