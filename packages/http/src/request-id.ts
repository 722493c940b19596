import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { FastifyInstance } from "fastify";

export const REQUEST_ID_HEADER = "x-request-id";

/** Incoming ids end up in logs and response headers, so only plain, bounded tokens are trusted. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:@\-]{1,128}$/;

/** A caller's (or proxy's) request id when it is safe to reuse, else a fresh UUID. */
export function requestIdOf(request: IncomingMessage): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  return typeof incoming === "string" && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** Echoed on every response, errors included, so a caller can quote it when reporting a problem. */
export function installRequestIdEcho(app: FastifyInstance): void {
  app.addHook("onRequest", async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
}
