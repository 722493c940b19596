import type { FastifyReply, FastifyRequest } from "fastify";
import { ErrorCodes, isSwitchboardError, SwitchboardError, type ErrorCode } from "@switchboard/errors";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** `type` URIs are URNs: stable identifiers that promise no web page we would have to keep up. */
export const PROBLEM_TYPE_PREFIX = "urn:switchboard:problem:";

/**
 * One field-level complaint: `{ path: "body/name", message: "body/name must be string", keyword: "type" }`.
 * `path` is the request part followed by a JSON pointer into it.
 */
export type ProblemFieldError = { path: string; message: string; keyword?: string };

/** An RFC 9457 problem details document, with our stable `code` as an extension member. */
export type ProblemDocument = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  errors?: unknown[];
};

type ProblemKind = { status: number; title: string };

/** The only place where an error code becomes an HTTP status. */
const PROBLEM_KINDS: Record<ErrorCode, ProblemKind> = {
  [ErrorCodes.Validation]: { status: 400, title: "Invalid request" },
  [ErrorCodes.InvalidName]: { status: 400, title: "Invalid name" },
  [ErrorCodes.MalformedJson]: { status: 400, title: "Malformed JSON" },
  [ErrorCodes.JsonTooDeep]: { status: 400, title: "JSON nested too deeply" },
  [ErrorCodes.Unauthenticated]: { status: 401, title: "Authentication required" },
  [ErrorCodes.Forbidden]: { status: 403, title: "Forbidden" },
  [ErrorCodes.NotFound]: { status: 404, title: "Not found" },
  [ErrorCodes.Conflict]: { status: 409, title: "Conflict" },
  [ErrorCodes.BodyTooLarge]: { status: 413, title: "Request body too large" },
  [ErrorCodes.UnsupportedMediaType]: { status: 415, title: "Unsupported media type" },
  [ErrorCodes.RateLimited]: { status: 429, title: "Too many requests" },
  [ErrorCodes.QuotaExceeded]: { status: 429, title: "Quota exceeded" },
  [ErrorCodes.Unavailable]: { status: 503, title: "Service unavailable" },
  [ErrorCodes.Timeout]: { status: 504, title: "Timed out" },
  [ErrorCodes.Internal]: { status: 500, title: "Internal error" },
  // A config error reaching a request is a server fault, not something the caller can fix.
  [ErrorCodes.Config]: { status: 500, title: "Internal error" },
};

/** Shown instead of the real message of a server fault, which may name internals. */
export const INTERNAL_DETAIL =
  "an unexpected error occurred; the request id identifies it in the server logs";

/** The HTTP status an error code maps to. */
export function statusOf(code: ErrorCode): number {
  return PROBLEM_KINDS[code]?.status ?? 500;
}

export function titleOf(code: ErrorCode): string {
  return PROBLEM_KINDS[code]?.title ?? "Internal error";
}

export type ProblemOptions = {
  /** Overrides the code's usual status, e.g. 422 for a payload that fails its declared schema. */
  status?: number;
  /** Replaces the error's own `details` as the `errors` member. */
  errors?: unknown[];
};

/** Builds the problem document for an error; anything not ours becomes a generic 500. */
export function toProblem(
  error: unknown,
  instance: string | undefined,
  options: ProblemOptions = {},
): ProblemDocument {
  const known = isSwitchboardError(error)
    ? error
    : new SwitchboardError(ErrorCodes.Internal, INTERNAL_DETAIL);
  const status = options.status ?? statusOf(known.code);
  // 503 and 504 describe a dependency's state in our own words; other server faults may name internals.
  const hidden = status >= 500 && status !== 503 && status !== 504;
  const code = hidden ? ErrorCodes.Internal : known.code;
  const document: ProblemDocument = {
    type: PROBLEM_TYPE_PREFIX + code,
    title: titleOf(code),
    status,
    detail: hidden ? INTERNAL_DETAIL : known.message,
    code,
  };
  if (instance !== undefined) document.instance = instance;
  const errors = hidden
    ? undefined
    : (options.errors ?? (Array.isArray(known.details) ? known.details : undefined));
  if (errors !== undefined && errors.length > 0) document.errors = errors;
  return document;
}

/** The request path without its query string: a query may carry cursors or filters not worth echoing. */
export function instanceOf(request: FastifyRequest): string {
  const url = request.url;
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

/**
 * Sends an error as problem+json. The body is serialized here so that no route response schema can
 * strip members of it.
 */
export function problem(reply: FastifyReply, error: unknown, options: ProblemOptions = {}): FastifyReply {
  const document = toProblem(error, instanceOf(reply.request), options);
  if (document.status === 401) reply.header("www-authenticate", 'Bearer realm="switchboard"');
  const retryAfter = retryAfterSeconds(error);
  if (retryAfter !== undefined && (document.status === 429 || document.status === 503)) {
    reply.header("retry-after", String(retryAfter));
  }
  return reply.code(document.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(document));
}

/** Throttling and unavailability errors may say when to come back: `details: { retryAfterSeconds }`. */
function retryAfterSeconds(error: unknown): number | undefined {
  if (!isSwitchboardError(error)) return undefined;
  const details = error.details as { retryAfterSeconds?: unknown } | undefined;
  const seconds = details?.retryAfterSeconds;
  return typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0
    ? Math.ceil(seconds)
    : undefined;
}
