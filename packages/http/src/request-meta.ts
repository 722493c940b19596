import type { FastifyRequest } from "fastify";
import { ValidationError } from "@switchboard/errors";
import { principalOf } from "./auth.js";

/** Who and what caused a write, taken from the request's headers and its key. */
export interface RequestMeta {
  orgId: string;
  /** The platform user acting (`Switchboard-Requested-By`), else the key that called. */
  requestedBy: string;
  /** `Switchboard-Trace-Id` of the originating event, when the caller continues a trace. */
  traceId: string | undefined;
  /** `Idempotency-Key`: a retried request with the same key has the first one's effect only. */
  idempotencyKey: string | undefined;
}

const PRINTABLE = /^[\x21-\x7e]{1,200}$/;

function header(request: FastifyRequest, name: string): string | undefined {
  const raw = request.headers[name];
  if (raw === undefined) return undefined;
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || !PRINTABLE.test(value)) {
    throw new ValidationError(`header ${name} must be 1-200 printable ASCII characters without spaces`);
  }
  return value;
}

export function requestMeta(request: FastifyRequest, orgId: string): RequestMeta {
  const principal = principalOf(request);
  return {
    orgId,
    requestedBy: header(request, "switchboard-requested-by") ?? `key:${principal.keyId}`,
    traceId: header(request, "switchboard-trace-id"),
    idempotencyKey: header(request, "idempotency-key"),
  };
}
