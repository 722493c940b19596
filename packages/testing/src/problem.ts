import { expect } from "vitest";
import type { ApiResponse } from "./http-client.js";

/** An RFC 9457 problem document as the API sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: { path: string; message: string; code?: string; keyword?: string; [k: string]: unknown }[];
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
  const context = `expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.body)?.slice(0, 400)}`;
  expect(res.status, context).toBe(status);
  expect(res.headers.get("content-type"), context).toMatch(/^application\/problem\+json/);
  const body = res.body as Problem;
  expect(body, context).toMatchObject({ type: `urn:switchboard:problem:${code}`, status, code });
  expect(body.detail.length, "detail is not empty").toBeGreaterThan(0);
  if (typeof detail === "string") expect(body.detail, context).toContain(detail);
  else if (detail !== undefined) expect(body.detail, context).toMatch(detail);
  return body;
}
