import { afterEach, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { createLogger } from "@switchboard/logger";
import { runReadinessChecks, type ReadinessCheck } from "./health.js";
import { buildTestServer } from "./test-fixtures.js";

describe("health endpoints", () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const serve = async (readiness: ReadinessCheck[]) => {
    ({ app } = await buildTestServer({ readiness }));
    return app;
  };

  it("answers /healthz without a key", async () => {
    const res = await (await serve([])).inject({ method: "GET", url: "/healthz" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ok" });
  });

  it("answers /readyz 200 when every check passes", async () => {
    const server = await serve([
      { name: "nats", check: async () => true },
      { name: "database", check: async () => true },
    ]);
    const res = await server.inject({ method: "GET", url: "/readyz" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: "ready",
      checks: [
        { name: "nats", ok: true },
        { name: "database", ok: true },
      ],
    });
  });

  it("answers /readyz 503 with each check's result when one fails or throws", async () => {
    const server = await serve([
      { name: "nats", check: async () => true },
      { name: "database", check: async () => false },
      { name: "streams", check: async () => Promise.reject(new Error("password=hunter2 rejected")) },
    ]);
    const res = await server.inject({ method: "GET", url: "/readyz" });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      status: "unavailable",
      checks: [
        { name: "nats", ok: true },
        { name: "database", ok: false, reason: "check failed" },
        { name: "streams", ok: false, reason: "check threw an error" },
      ],
    });
    expect(res.body).not.toContain("hunter2");
  });

  it("reports a check that never answers as failed", async () => {
    const hung: ReadinessCheck = { name: "hung", check: () => new Promise<boolean>(() => undefined) };
    const report = await runReadinessChecks([hung], createLogger({ level: "silent" }), 20);
    expect(report).toEqual({
      status: "unavailable",
      checks: [{ name: "hung", ok: false, reason: "no answer within 20 ms" }],
    });
  });
});
