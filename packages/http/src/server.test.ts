import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { createLogger } from "@switchboard/logger";
import { buildHttpServer } from "./server.js";
import { bearer, buildTestServer } from "./test-fixtures.js";

describe("over a real socket", () => {
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    ({ app } = await buildTestServer());
    base = await app.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(() => app.close());

  it("serves a guarded JSON route and echoes the caller's request id", async () => {
    const res = await fetch(`${base}/v1/orgs/org-a/things`, {
      method: "POST",
      headers: { ...bearer("orgAContent"), "content-type": "application/json", "x-request-id": "req-42" },
      body: JSON.stringify({ name: "lamp", count: 2 }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("x-request-id")).toBe("req-42");
    expect(await res.json()).toEqual({ name: "lamp", count: 2 });
  });

  it("sends problems as application/problem+json with a generated request id", async () => {
    const res = await fetch(`${base}/v1/orgs/org-a/things`, {
      method: "POST",
      headers: { ...bearer("orgAContent"), "content-type": "application/json" },
      body: '{"name":',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toMatchObject({ code: "SB_ERR_MALFORMED_JSON", status: 400 });
  });

  it("replaces a request id that is unsafe to log", async () => {
    const res = await fetch(`${base}/healthz`, { headers: { "x-request-id": "a b <script>" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("asks for a bearer key", async () => {
    const res = await fetch(`${base}/v1/orgs/org-a/things`);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });
});

describe("buildHttpServer", () => {
  it("refuses limits that are not positive integers", async () => {
    const options = {
      logger: createLogger({ level: "silent" }),
      authenticate: async () => undefined,
      readiness: [],
    };
    await expect(buildHttpServer({ ...options, bodyLimitBytes: 0, maxJsonDepth: 8 })).rejects.toThrow(
      /bodyLimitBytes/,
    );
    await expect(buildHttpServer({ ...options, bodyLimitBytes: 1024, maxJsonDepth: 1.5 })).rejects.toThrow(
      /maxJsonDepth/,
    );
  });
});
