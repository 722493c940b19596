import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { Counter } from "prom-client";
import { bearer, buildTestServer } from "./test-fixtures.js";

describe("/metrics", () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await buildTestServer());
  });
  afterAll(() => app.close());

  const scrape = async () => {
    const res = await app.inject({ method: "GET", url: "/metrics" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    return res.body;
  };

  it("records request durations by method, route pattern and status", async () => {
    await app.inject({ method: "GET", url: "/v1/orgs/org-a/things", headers: bearer("orgAViewer") });
    await app.inject({ method: "GET", url: "/v1/orgs/org-b/things", headers: bearer("orgAViewer") });
    await app.inject({ method: "GET", url: "/random/probe/123" });
    const text = await scrape();
    expect(text).toContain("# TYPE http_request_duration_seconds histogram");
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/v1\/orgs\/:org\/things",status="200"\} 1/,
    );
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/v1\/orgs\/:org\/things",status="404"\} 1/,
    );
    expect(text).toMatch(
      /http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="unmatched",status="404"\} 1/,
    );
    expect(text).not.toContain("/random/probe");
  });

  it("includes the process's default metrics", async () => {
    expect(await scrape()).toContain("process_cpu_user_seconds_total");
  });

  it("publishes counters that services add to the registry", async () => {
    const counter = new Counter({
      name: "test_things_total",
      help: "things",
      registers: [app.metrics.registry],
    });
    counter.inc(3);
    expect(await scrape()).toContain("test_things_total 3");
  });
});
