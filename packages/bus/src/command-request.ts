import { ErrorCodes, err, ok, type Result } from "@switchboard/errors";
import type { CommandFailure, CommandRequest } from "./command-types.js";
import { isSafeToken } from "./subject-tokens.js";

const decoder = new TextDecoder();
const OPTIONAL_STRINGS = ["idempotencyKey", "requestedBy", "traceId"] as const;

/** Decodes and checks a request as it arrives; a bad one is answered, never thrown. */
export function parseCommandRequest(data: Uint8Array): Result<CommandRequest, CommandFailure> {
  let body: unknown;
  try {
    body = JSON.parse(decoder.decode(data));
  } catch {
    return invalid("command request is not valid JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return invalid("command request must be a JSON object");
  }
  const req = body as Record<string, unknown>;
  if (typeof req.orgId !== "string" || !isSafeToken(req.orgId)) {
    return invalid("orgId must be a string of [A-Za-z0-9_-]");
  }
  for (const field of OPTIONAL_STRINGS) {
    if (req[field] !== undefined && typeof req[field] !== "string")
      return invalid(`${field} must be a string`);
  }
  return ok({
    orgId: req.orgId,
    params: req.params,
    ...(typeof req.idempotencyKey === "string" ? { idempotencyKey: req.idempotencyKey } : {}),
    ...(typeof req.requestedBy === "string" ? { requestedBy: req.requestedBy } : {}),
    ...(typeof req.traceId === "string" ? { traceId: req.traceId } : {}),
  });
}

function invalid(message: string): { ok: false; error: CommandFailure } {
  return err({ code: ErrorCodes.Validation, message });
}
