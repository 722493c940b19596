import net from "node:net";
import { expect } from "vitest";
import { send, type RawRequest } from "./problem.js";

/** A request as a client library would send it: method, path and what `send` takes. */
export interface FetchRequest extends RawRequest {
  method: string;
  path: string;
}

/** Bytes written to the socket as they are: for what no HTTP client lets through (CR/LF in a header, bad framing). */
export interface SocketRequest {
  raw: string;
}

export type HostileRequest = FetchRequest | SocketRequest;

export interface HostileAnswer {
  status: number;
  contentType: string | null;
  text: string;
}

export async function sendHostile(url: string, request: HostileRequest): Promise<HostileAnswer> {
  if ("raw" in request) return sendOverSocket(url, request.raw);
  const res = await send(url, request.method, request.path, request);
  const text = typeof res.body === "string" ? res.body : (JSON.stringify(res.body) ?? "");
  return { status: res.status, contentType: res.headers.get("content-type"), text };
}

/**
 * Writes the bytes, then reads until the server closes the connection (every raw request asks for
 * `Connection: close`, and a refused one is closed by the server). Data that arrived before a reset
 * still counts: a server may reset a connection whose request it did not read to the end.
 */
function sendOverSocket(url: string, raw: string): Promise<HostileAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(Number(port), hostname);
    const finish = () => {
      const answer = parseHttpResponse(Buffer.concat(chunks).toString("latin1"));
      if (answer === undefined) reject(new Error(`no HTTP response to ${JSON.stringify(raw.slice(0, 80))}`));
      else resolve(answer);
    };
    // A server that neither answers nor closes is a hang: fail the case instead of waiting for the suite's timeout.
    socket.setTimeout(30_000, () => socket.destroy());
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => socket.destroy());
    socket.on("close", finish);
    socket.write(raw, "latin1");
  });
}

/** Status, Content-Type and body of a complete HTTP/1.1 response with Content-Length or chunked framing. */
export function parseHttpResponse(text: string): HostileAnswer | undefined {
  const head = text.indexOf("\r\n\r\n");
  const status = /^HTTP\/1\.1 (\d{3}) /.exec(text);
  if (head === -1 || status === null) return undefined;
  const headers = text.slice(0, head).split("\r\n").slice(1);
  const header = (name: string) =>
    headers
      .find((h) => h.toLowerCase().startsWith(`${name}:`))
      ?.slice(name.length + 1)
      .trim() ?? null;
  let body = text.slice(head + 4);
  if (header("transfer-encoding")?.toLowerCase() === "chunked") body = unchunk(body);
  const length = header("content-length");
  if (length !== null) body = body.slice(0, Number(length));
  return {
    status: Number(status[1]),
    contentType: header("content-type"),
    text: Buffer.from(body, "latin1").toString("utf8"),
  };
}

function unchunk(body: string): string {
  let out = "";
  let rest = body;
  for (;;) {
    const line = rest.indexOf("\r\n");
    const size = parseInt(rest.slice(0, line), 16);
    if (line === -1 || !(size > 0)) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
}

/**
 * The contract every hostile request is held to: a 4xx problem+json whose `status` is the HTTP
 * status, with `type`, `title`, a `detail` and the stable `code`; and, without the `instance` that
 * echoes the caller's own path, nothing of another org's.
 */
export function expectRefusal(
  answer: HostileAnswer,
  expected: { status: number; code: string; detail?: string | RegExp },
  secrets: readonly string[],
): void {
  const context = `got ${answer.status} ${answer.contentType} ${answer.text.slice(0, 300)}`;
  expect(answer.status, context).toBe(expected.status);
  expect(answer.status, context).toBeGreaterThanOrEqual(400);
  expect(answer.status, context).toBeLessThan(500);
  expect(answer.contentType, context).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(answer.text) as Record<string, unknown>;
  expect(problem, context).toMatchObject({
    type: `urn:switchboard:problem:${expected.code}`,
    title: expect.any(String),
    status: answer.status,
    code: expected.code,
    detail: expect.any(String),
  });
  if (typeof expected.detail === "string") expect(problem.detail, context).toContain(expected.detail);
  else if (expected.detail !== undefined) expect(problem.detail, context).toMatch(expected.detail);
  const { instance: _path, ...rest } = problem;
  const shown = JSON.stringify(rest);
  for (const secret of secrets)
    expect(shown, `the answer shows ${JSON.stringify(secret)}`).not.toContain(secret);
}
