import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { ErrorCodes, NotFoundError } from "@switchboard/errors";
import { INTERNAL_DETAIL, statusOf, toProblem } from "./problem.js";
import { buildTestServer } from "./test-fixtures.js";

describe("toProblem", () => {
  it("gives every error code a status", () => {
    for (const code of Object.values(ErrorCodes)) expect(statusOf(code)).toBeGreaterThanOrEqual(400);
  });

  it("builds an RFC 9457 document with a URN type", () => {
    expect(toProblem(new NotFoundError("no rule r1"), "/v1/orgs/a/rules/r1")).toEqual({
      type: "urn:switchboard:problem:SB_ERR_NOT_FOUND",
      title: "Not found",
      status: 404,
      detail: "no rule r1",
      code: "SB_ERR_NOT_FOUND",
      instance: "/v1/orgs/a/rules/r1",
    });
  });

  it("turns anything that is not ours into a generic internal error", () => {
    expect(toProblem(new TypeError("x is undefined"), undefined)).toEqual({
      type: "urn:switchboard:problem:SB_ERR_INTERNAL",
      title: "Internal error",
      status: 500,
      detail: INTERNAL_DETAIL,
      code: "SB_ERR_INTERNAL",
    });
  });
});

describe("problem()", () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await buildTestServer());
  });
  afterAll(() => app.close());

  it("lets a route choose another status and carry field errors", async () => {
    const res = await app.inject({ method: "POST", url: "/ingest", payload: { a: 1 } });
    expect(res.statusCode).toBe(422);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.json()).toEqual({
      type: "urn:switchboard:problem:SB_ERR_VALIDATION",
      title: "Invalid request",
      status: 422,
      detail: "the payload does not match its schema",
      code: "SB_ERR_VALIDATION",
      instance: "/ingest",
      errors: [{ path: "/a", message: "must be string" }],
    });
  });
});
