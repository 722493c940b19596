import { expect } from "vitest";
import type { ApiResponse } from "./api.js";

export { expectProblem } from "@switchboard/testing";
export type { Problem } from "@switchboard/testing";

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
