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
    idempotencyKey: text(req.idempotencyKey, "idempotencyKey", 512),
  };
}
