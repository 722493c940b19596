import { MAX_PATH_SEGMENT_LENGTH } from "./limits.js";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  ErrorCodes,
  isSwitchboardError,
  NotFoundError,
  SwitchboardError,
  type ErrorCode,
} from "@switchboard/errors";
import { problem, statusOf } from "./problem.js";
import { summarize, toFieldErrors } from "./validation-errors.js";

/** Fastify's own error codes we can explain to a caller; the rest are server faults. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ErrorCodes.BodyTooLarge,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ErrorCodes.UnsupportedMediaType,
  FST_ERR_CTP_EMPTY_JSON_BODY: ErrorCodes.MalformedJson,
  FST_ERR_CTP_INVALID_JSON_BODY: ErrorCodes.MalformedJson,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ErrorCodes.Validation,
  FST_ERR_BAD_URL: ErrorCodes.Validation,
  FST_ERR_MAX_PARAM_LENGTH: ErrorCodes.Validation,
};

/** Routing errors fastify words in terms of its internals (and by echoing the whole path). */
const ROUTING_DETAILS: Record<string, (request: FastifyRequest) => string> = {
  FST_ERR_BAD_URL: () =>
    "the URL path is not valid: a percent-encoded sequence in it does not decode to UTF-8",
  FST_ERR_MAX_PARAM_LENGTH: () => `a path segment is longer than ${MAX_PATH_SEGMENT_LENGTH} characters`,
};

/** Fastify 4xx errors without an entry above keep their status's meaning. */
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  404: ErrorCodes.NotFound,
  413: ErrorCodes.BodyTooLarge,
  415: ErrorCodes.UnsupportedMediaType,
  429: ErrorCodes.RateLimited,
};

/** Routes every error, whoever raised it, into one problem+json shape. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    problem(reply, new NotFoundError(`no route for ${request.method} ${request.url.split("?")[0]}`)),
  );
}

/**
 * For fastify's `frameworkErrors` option: errors raised while routing (a badly encoded path, an
 * overlong parameter), before any route's error handler exists, get the same problem+json shape.
 */
export function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  sendError(error, request, reply);
}

function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const known = toSwitchboardError(error, request);
  const status = known === undefined ? 500 : statusOf(known.code);
  if (known === undefined || status === 500) {
    request.log.error({ err: error }, "request failed with an unexpected error");
  } else if (status >= 500) {
    request.log.warn({ code: known.code, detail: known.message }, "request failed: dependency unavailable");
  } else {
    request.log.info({ code: known.code, status }, "request rejected");
  }
  return problem(reply, known ?? error);
}

/** Our errors as they are; fastify's translated; anything else undefined (a bug to log and hide). */
export function toSwitchboardError(error: unknown, request: FastifyRequest): SwitchboardError | undefined {
  if (isSwitchboardError(error)) return error;
  if (!isFastifyError(error)) return undefined;
  if (error.validation !== undefined) return fromValidation(error);
  const code = FASTIFY_CODES[error.code] ?? fromStatus(error.statusCode);
  if (code === undefined) return undefined;
  return new SwitchboardError(code, detailOf(code, error, request), { cause: error });
}

/** Fastify's messages are terse; say what the limit or the accepted type is. */
function detailOf(code: ErrorCode, error: FastifyError, request: FastifyRequest): string {
  const routing = ROUTING_DETAILS[error.code];
  if (routing !== undefined) return routing(request);
  if (code === ErrorCodes.BodyTooLarge) {
    return `the request body exceeds the limit of ${request.routeOptions.bodyLimit} bytes`;
  }
  if (code === ErrorCodes.UnsupportedMediaType) {
    const type = request.headers["content-type"]?.slice(0, 100);
    return `${type === undefined ? "a body without Content-Type" : `Content-Type "${type}"`} is not accepted; send application/json`;
  }
  return error.message;
}

function fromValidation(error: FastifyError): SwitchboardError {
  const issues = error.validation ?? [];
  const errors = toFieldErrors(issues, error.validationContext ?? "request");
  return new SwitchboardError(ErrorCodes.Validation, summarize(errors, issues.length), {
    cause: error,
    details: errors,
  });
}

function fromStatus(status: number | undefined): ErrorCode | undefined {
  if (status === undefined || status < 400 || status >= 500) return undefined;
  return CODE_BY_STATUS[status] ?? ErrorCodes.Validation;
}

function isFastifyError(error: unknown): error is FastifyError {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" && code.startsWith("FST_");
}
