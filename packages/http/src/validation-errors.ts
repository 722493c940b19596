import type { FastifySchemaValidationError } from "fastify";
import type { ProblemFieldError } from "./problem.js";

/** allErrors can report one error per array element; past this many a caller learns nothing new. */
export const MAX_REPORTED_ERRORS = 50;

type ValidationIssue = Pick<FastifySchemaValidationError, "keyword" | "instancePath" | "params" | "message">;

/** Turns ajv errors into `{ path, message }` items whose message names the field, e.g. "body/name must be string". */
export function toFieldErrors(issues: readonly ValidationIssue[], part: string): ProblemFieldError[] {
  return issues.slice(0, MAX_REPORTED_ERRORS).map((issue) => toFieldError(issue, part));
}

/** ajv reports a missing or unknown property at its parent; point at the property itself instead. */
function toFieldError(issue: ValidationIssue, part: string): ProblemFieldError {
  const base = part + issue.instancePath;
  const params = issue.params as Record<string, unknown>;
  const missing = params["missingProperty"];
  if (issue.keyword === "required" && typeof missing === "string") {
    return field(`${base}/${escapePointer(missing)}`, "is required", issue.keyword);
  }
  const extra = params["additionalProperty"] ?? params["unevaluatedProperty"];
  if (typeof extra === "string") {
    return field(`${base}/${escapePointer(extra)}`, "is not allowed (unknown property)", issue.keyword);
  }
  return field(base, messageOf(issue, params), issue.keyword);
}

/** Shown in full up to this many; an enum longer than that is better read in the OpenAPI document. */
const MAX_LISTED_VALUES = 20;

/** ajv's message, and for an enum the values it allows, which ajv's message leaves out. */
function messageOf(issue: ValidationIssue, params: Record<string, unknown>): string {
  const message = issue.message ?? `fails ${issue.keyword}`;
  const allowed = params["allowedValues"];
  if (issue.keyword !== "enum" || !Array.isArray(allowed)) return message;
  const listed = allowed
    .slice(0, MAX_LISTED_VALUES)
    .map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
  return `${message}: ${listed.join(", ")}${allowed.length > MAX_LISTED_VALUES ? ", …" : ""}`;
}

function field(path: string, problem: string, keyword: string): ProblemFieldError {
  return { path, message: `${path} ${problem}`, keyword };
}

/** RFC 6901, as ajv's own instancePath segments are. */
function escapePointer(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** A one-line summary for the problem's `detail`. */
export function summarize(errors: readonly ProblemFieldError[], total: number): string {
  const shown = errors
    .slice(0, 3)
    .map((e) => e.message)
    .join("; ");
  return total > 3 ? `${shown} (and ${total - 3} more)` : shown;
}
