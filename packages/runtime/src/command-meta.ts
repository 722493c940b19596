import type { CommandRequest } from "@switchboard/bus";
import { ValidationError } from "@switchboard/errors";
import { assertOrgId } from "@switchboard/events";

export interface CommandMeta {
  orgId: string;
  requestedBy: string;
  traceId: string | undefined;
  idempotencyKey: string | undefined;
}

function text(value: unknown, field: string, max: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.length === 0 || value.length > max) {
    throw new ValidationError(`${field} must be a string of 1 to ${max} characters`);
  }
  return value;
}

/**
 * Who and what caused a command, checked as strictly as the HTTP edge checks its headers, so a
 * bad value is a validation error for the caller and never an event that breaks its schema.
 */
export function commandMeta(req: CommandRequest): CommandMeta {
  return {
    orgId: assertOrgId(req.orgId),
    requestedBy: text(req.requestedBy, "requestedBy", 200) ?? "system",
    traceId: text(req.traceId, "traceId", 200),
    idempotencyKey: commandKey(text(req.idempotencyKey, "idempotencyKey", 500)),
  };
}

/**
 * Commands keep their idempotency keys in a space of their own: HTTP `Idempotency-Key` values have
 * no spaces, so none can equal `command <key>`, and no client can take a key a rule's action will
 * use (and make the action conflict with a request of its own).
 */
function commandKey(key: string | undefined): string | undefined {
  return key === undefined ? undefined : `command ${key}`;
}
