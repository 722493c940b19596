import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { ErrorCodes } from "@switchboard/errors";
import { bearer, buildTestServer, type TestServer } from "./test-fixtures.js";

describe("error mapping", () => {
  let server: TestServer;
  let app: FastifyInstance;
  beforeAll(async () => {
    server = await buildTestServer();
    app = server.app;
  });
  afterAll(() => app.close());

  const createThing = (payload: unknown) =>
    app.inject({
      method: "POST",
      url: "/v1/orgs/org-a/things",
      headers: bearer("orgAContent"),
      payload: payload as object,
    });

  it.each([
    [ErrorCodes.Validation, 400],
    [ErrorCodes.InvalidName, 400],
    [ErrorCodes.MalformedJson, 400],
    [ErrorCodes.JsonTooDeep, 400],
    [ErrorCodes.Unauthenticated, 401],
    [ErrorCodes.Forbidden, 403],
    [ErrorCodes.NotFound, 404],
    [ErrorCodes.Conflict, 409],
    [ErrorCodes.BodyTooLarge, 413],
    [ErrorCodes.UnsupportedMediaType, 415],
    [ErrorCodes.RateLimited, 429],
    [ErrorCodes.Unavailable, 503],
    [ErrorCodes.Timeout, 504],
  ])("maps %s to %i with the error's message", async (code, status) => {
    const res = await app.inject({ method: "GET", url: `/throw/${code}` });
    expect(res.statusCode).toBe(status);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.json()).toEqual({
      type: `urn:switchboard:problem:${code}`,
      title: expect.any(String),
      status,
      detail: `thrown with ${code}`,
      code,
      instance: `/throw/${code}`,
    });
  });

  it("says when to retry a throttled or unavailable request", async () => {
    expect(
      (await app.inject({ method: "GET", url: `/throw/${ErrorCodes.RateLimited}` })).headers["retry-after"],
    ).toBe("7");
    expect(
      (await app.inject({ method: "GET", url: `/throw/${ErrorCodes.Unavailable}` })).headers["retry-after"],
    ).toBe("7");
    expect(
      (await app.inject({ method: "GET", url: `/throw/${ErrorCodes.Conflict}` })).headers["retry-after"],
    ).toBeUndefined();
  });

  it.each([ErrorCodes.Internal, ErrorCodes.Config])(
    "hides the message of %s behind a generic 500",
    async (code) => {
      const res = await app.inject({ method: "GET", url: `/throw/${code}` });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toMatchObject({ code: ErrorCodes.Internal, status: 500 });
      expect(res.body).not.toContain("thrown with");
    },
  );

  it("answers an unexpected error with a generic 500 and logs its stack, but not the caller's key", async () => {
    const res = await app.inject({
      method: "GET",
      url: "/crash",
      headers: { authorization: "Bearer sk_should_not_be_logged", "x-request-id": "crash-1" },
    });
    expect(res.statusCode).toBe(500);
    const body = res.json();
    expect(body).toMatchObject({
      type: "urn:switchboard:problem:SB_ERR_INTERNAL",
      code: "SB_ERR_INTERNAL",
      status: 500,
    });
    expect(res.body).not.toContain("hunter2");
    const logged = server.logLines().filter((line) => line["reqId"] === "crash-1");
    const failure = logged.find((line) => line["level"] === 50) as { err?: { stack?: string } } | undefined;
    expect(failure?.err?.stack).toContain("test-fixtures");
    expect(JSON.stringify(logged)).not.toContain("sk_should_not_be_logged");
  });

  it("reports an unknown property by name", async () => {
    const res = await createThing({ name: "a", colour: "red" });
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      code: "SB_ERR_VALIDATION",
      type: "urn:switchboard:problem:SB_ERR_VALIDATION",
      errors: [
        {
          path: "body/colour",
          message: expect.stringContaining("body/colour"),
          keyword: "additionalProperties",
        },
      ],
    });
    expect(res.json().detail).toContain("body/colour");
  });

  it("reports a wrong type and a missing field, all at once", async () => {
    const res = await createThing({ count: "3" });
    expect(res.statusCode).toBe(400);
    const errors = res.json().errors as { path: string; message: string }[];
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: "body/name", message: "body/name is required", keyword: "required" },
        { path: "body/count", message: "body/count must be integer", keyword: "type" },
      ]),
    );
  });

  it("never coerces body types, but does coerce query parameters", async () => {
    expect((await createThing({ name: 42 })).json().errors).toEqual([
      { path: "body/name", message: "body/name must be string", keyword: "type" },
    ]);
    const ok = await app.inject({
      method: "GET",
      url: "/v1/orgs/org-a/things?limit=10&tag=x",
      headers: bearer("orgAContent"),
    });
    expect(ok.json().query).toEqual({ limit: 10, tag: ["x"] });
    const bad = await app.inject({
      method: "GET",
      url: "/v1/orgs/org-a/things?limit=ten",
      headers: bearer("orgAContent"),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([
      { path: "querystring/limit", message: "querystring/limit must be integer", keyword: "type" },
    ]);
  });

  it("answers an unknown route with a 404 problem", async () => {
    const res = await app.inject({ method: "GET", url: "/no/such/route?x=1" });
    expect(res.statusCode).toBe(404);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: "SB_ERR_NOT_FOUND", status: 404, instance: "/no/such/route" });
  });
});
