import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { bearer, buildTestServer, KEYS } from "./test-fixtures.js";

describe("requestMeta", () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await buildTestServer());
  });
  afterAll(() => app.close());

  const meta = (headers: Record<string, string> = {}) =>
    app.inject({
      method: "GET",
      url: "/v1/orgs/org-a/meta",
      headers: { ...bearer("orgAViewer"), ...headers },
    });

  it("names the calling key when no user is given", async () => {
    expect((await meta()).json()).toEqual({ orgId: "org-a", requestedBy: `key:${KEYS.orgAViewer.keyId}` });
  });

  it("takes the acting user, trace id and idempotency key from headers", async () => {
    const res = await meta({
      "switchboard-requested-by": "user-1",
      "switchboard-trace-id": "t-1",
      "idempotency-key": "i-1",
    });
    expect(res.json()).toEqual({
      orgId: "org-a",
      requestedBy: "user-1",
      traceId: "t-1",
      idempotencyKey: "i-1",
    });
  });

  it("rejects a header it cannot log or store safely", async () => {
    const res = await meta({ "idempotency-key": "has spaces" });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: "SB_ERR_VALIDATION" });
  });
});
