import { expect } from "vitest";
import type { ApiResponse } from "./api.js";

/** An RFC 9457 problem document as the API sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: { path: string; message: string; keyword?: string }[];
}

/**
 * Asserts a problem+json answer with this status and code, and a detail that says what was wrong
 * (a substring or a pattern); returns the document for further checks.
 */
export function expectProblem(
  res: ApiResponse,
  status: number,
  code: string,
  detail?: string | RegExp,
): Problem {
  const context = `${status} ${code}, got ${res.status} ${JSON.stringify(res.body)?.slice(0, 300)}`;
  expect(res.status, context).toBe(status);
  expect(res.headers.get("content-type"), context).toMatch(/^application\/problem\+json/);
  const body = res.body as Problem;
  expect(body, context).toMatchObject({ type: `urn:switchboard:problem:${code}`, status, code });
  expect(typeof body.title).toBe("string");
  expect(body.detail.length, "detail is not empty").toBeGreaterThan(0);
  if (typeof detail === "string") expect(body.detail, context).toContain(detail);
  else if (detail !== undefined) expect(body.detail, context).toMatch(detail);
  return body;
}

export interface RawRequest {
  key?: string;
  /** Sent as is; a string or bytes, never serialized. */
  body?: string | Uint8Array | ReadableStream<Uint8Array>;
  /** `null` sends no Content-Type header at all. */
  contentType?: string | null;
  headers?: Record<string, string>;
}

/** A request whose bytes and headers the caller controls exactly, for inputs a JSON client would never send. */
export async function send(
  baseUrl: string,
  method: string,
  path: string,
  request: RawRequest = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.key !== undefined) headers.authorization = `Bearer ${request.key}`;
  const contentType = request.contentType === undefined ? "application/json" : request.contentType;
  if (contentType !== null && request.body !== undefined) headers["content-type"] = contentType;
  const init: RequestInit & { duplex?: "half" } = { method, headers };
  // fetch labels a string body text/plain on its own; bytes go out with exactly the headers given.
  if (request.body !== undefined)
    init.body = (
      typeof request.body === "string" ? new TextEncoder().encode(request.body) : request.body
    ) as NonNullable<RequestInit["body"]>;
  if (request.body instanceof ReadableStream) init.duplex = "half";
  const res = await fetch(new URL(path, baseUrl), init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body };
}
