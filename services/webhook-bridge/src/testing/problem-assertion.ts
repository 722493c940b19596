import { expect } from "vitest";
import type { ApiResponse } from "./api-client.js";

export interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { path: string; message: string; [k: string]: unknown }[];
}

/** Asserts a problem+json answer with this status and code (and detail text); returns the document. */
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
  expect(body.code, context).toBe(code);
  if (typeof detail === "string") expect(body.detail, context).toContain(detail);
  else if (detail !== undefined) expect(body.detail, context).toMatch(detail);
  return body;
}
