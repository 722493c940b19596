import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyInstance } from "fastify";
import { ErrorCodes, SwitchboardError, ValidationError } from "@switchboard/errors";
import { PROBLEM_CONTENT_TYPE, toProblem } from "./problem.js";

/** What node's HTTP parser refused, in the caller's terms. */
function refusalOf(error: NodeJS.ErrnoException): { status: number; error: SwitchboardError } {
  if (error.code === "HPE_HEADER_OVERFLOW") {
    const detail = "the request headers are larger than the server accepts";
    return { status: 431, error: new SwitchboardError(ErrorCodes.Validation, detail) };
  }
  if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") {
    const detail = "the request was not received completely in time";
    return { status: 408, error: new SwitchboardError(ErrorCodes.Timeout, detail) };
  }
  const detail =
    "the request is not valid HTTP/1.1: a header may hold a control character (CR, LF or NUL), or the framing is malformed";
  return { status: 400, error: new SwitchboardError(ErrorCodes.Validation, detail) };
}

/**
 * For fastify's `clientErrorHandler`: requests the HTTP parser refuses (CR/LF in a header, oversized
 * headers, broken framing) never reach a route, so without this their answer is fastify's own JSON
 * instead of the problem+json every other error gets.
 */
export function sendClientError(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const refusal = refusalOf(error);
  this.log.debug({ code: error.code, status: refusal.status }, "request refused by the HTTP parser");
  if (socket.writable) {
    const body = JSON.stringify(toProblem(refusal.error, undefined, { status: refusal.status }));
    socket.write(
      `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * Node refuses an HTTP/1.1 request without Host itself, with an empty 400, when `requireHostHeader`
 * is on; the server turns that off and refuses here instead, so the answer is a problem+json too.
 */
export function installHostCheck(app: FastifyInstance): void {
  app.addHook("onRequest", async (request) => {
    if (request.raw.httpVersion === "1.1" && request.headers.host === undefined)
      throw new ValidationError("an HTTP/1.1 request needs a Host header");
  });
}
