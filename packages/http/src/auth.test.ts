import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { createLogger } from "@switchboard/logger";
import { decideAccess } from "./access.js";
import { bearerToken } from "./auth.js";
import type { Principal } from "./roles.js";
import { buildHttpServer } from "./server.js";
import { bearer, buildTestServer, KEYS, type KeyName } from "./test-fixtures.js";

describe("decideAccess", () => {
  const key = (orgId: string | null, ...roles: Principal["roles"]): Principal => ({
    keyId: "k",
    orgId,
    roles,
  });

  it("lets a platform admin do anything, on any org or none", () => {
    expect(decideAccess(key(null, "platform-admin"), { orgId: "a", roles: [] })).toBe("allowed");
    expect(decideAccess(key(null, "platform-admin"), { roles: ["viewer"] })).toBe("allowed");
  });

  it("hides other orgs, whatever the roles", () => {
    expect(decideAccess(key("b", "org-admin"), { orgId: "a", roles: ["viewer"] })).toBe("not-found");
    expect(decideAccess(key(null, "viewer"), { orgId: "a", roles: ["viewer"] })).toBe("not-found");
  });

  it("lets an org admin do anything in its org, but not platform-level work", () => {
    expect(decideAccess(key("a", "org-admin"), { orgId: "a", roles: ["content-manager"] })).toBe("allowed");
    expect(decideAccess(key("a", "org-admin"), { roles: ["platform-admin"] })).toBe("forbidden");
  });

  it("otherwise needs one of the listed roles", () => {
    expect(decideAccess(key("a", "viewer", "integration"), { orgId: "a", roles: ["integration"] })).toBe(
      "allowed",
    );
    expect(decideAccess(key("a", "viewer"), { orgId: "a", roles: ["content-manager"] })).toBe("forbidden");
  });

  it("ignores platform-admin on an org key", () => {
    expect(decideAccess(key("a", "platform-admin"), { orgId: "b", roles: [] })).toBe("not-found");
    expect(decideAccess(key("a", "platform-admin"), { roles: ["platform-admin"] })).toBe("forbidden");
  });
});

describe("bearerToken", () => {
  it("accepts the RFC 6750 form only", () => {
    expect(bearerToken("Bearer abc.DEF-123_~+/==")).toBe("abc.DEF-123_~+/==");
    expect(bearerToken("bearer  abc")).toBe("abc");
    for (const bad of [
      undefined,
      "",
      "Bearer",
      "Bearer ",
      "Basic abc",
      "Bearer a b",
      "Bearer a,b",
      `Bearer ${"a".repeat(5000)}`,
    ]) {
      expect(() => bearerToken(bad)).toThrow(expect.objectContaining({ code: "SB_ERR_UNAUTHENTICATED" }));
    }
  });
});

describe("route guards", () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await buildTestServer());
  });
  afterAll(() => app.close());

  const get = (url: string, key?: KeyName, headers: Record<string, string> = {}) =>
    app.inject({ method: "GET", url, headers: { ...(key === undefined ? {} : bearer(key)), ...headers } });

  it("answers 401 with WWW-Authenticate when the key is missing, malformed or unknown", async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: "Basic dXNlcjpwYXNz" },
      { authorization: "Bearer sk_unknown" },
    ];
    for (const headers of attempts) {
      const res = await get("/v1/orgs/org-a/things", undefined, headers);
      expect(res.statusCode).toBe(401);
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer/);
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({
        code: "SB_ERR_UNAUTHENTICATED",
        type: "urn:switchboard:problem:SB_ERR_UNAUTHENTICATED",
      });
    }
  });

  it("checks the key before reading the body", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/v1/orgs/org-a/things",
      headers: { "content-type": "application/json" },
      payload: "{not json",
    });
    expect(res.statusCode).toBe(401);
  });

  it("answers 404 to a key of org A on org B's path, as if nothing were there", async () => {
    const res = await get("/v1/orgs/org-b/things", "orgAContent");
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: "SB_ERR_NOT_FOUND" });
    // Even an admin of org A learns nothing about org B.
    expect((await get("/v1/orgs/org-b/things", "orgAAdmin")).statusCode).toBe(404);
    expect((await get("/v1/tenants/org-b/notes", "orgAViewer")).statusCode).toBe(404);
  });

  it("answers 403 naming the roles when the key lacks them", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/v1/orgs/org-a/things",
      headers: bearer("orgAViewer"),
      payload: { name: "x" },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: "SB_ERR_FORBIDDEN", status: 403 });
    expect(res.json().detail).toContain("content-manager");
    expect((await get("/v1/platform/stats", "orgAAdmin")).json().detail).toContain("platform-admin");
  });

  it("lets a listed role in, viewer included, and exposes the principal", async () => {
    const res = await get("/v1/orgs/org-a/things", "orgAViewer");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ org: "org-a", keyId: KEYS.orgAViewer.keyId });
    expect((await get("/v1/tenants/org-a/notes", "orgAViewer")).statusCode).toBe(200);
  });

  it("lets an org admin do anything in its own org", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/v1/orgs/org-a/things",
      headers: bearer("orgAAdmin"),
      payload: { name: "x" },
    });
    expect(res.statusCode).toBe(201);
  });

  it("lets a platform admin in everywhere", async () => {
    for (const url of [
      "/v1/orgs/org-a/things",
      "/v1/orgs/org-b/things",
      "/v1/platform/stats",
      "/v1/tenants/org-z/notes",
      "/v1/orgs/org-b/rules",
    ]) {
      expect((await get(url, "platformAdmin")).statusCode, url).toBe(200);
    }
    const res = await app.inject({
      method: "POST",
      url: "/v1/orgs/org-b/things",
      headers: bearer("platformAdmin"),
      payload: { name: "x" },
    });
    expect(res.statusCode).toBe(201);
  });

  it("does not honour platform-admin on an org key", async () => {
    expect((await get("/v1/orgs/org-b/things", "orgAFakePlatform")).statusCode).toBe(404);
    expect((await get("/v1/platform/stats", "orgAFakePlatform")).statusCode).toBe(403);
  });

  it("guards HEAD requests like their GET", async () => {
    expect(
      (await app.inject({ method: "HEAD", url: "/v1/orgs/org-b/things", headers: bearer("orgAContent") }))
        .statusCode,
    ).toBe(404);
    expect((await app.inject({ method: "HEAD", url: "/v1/orgs/org-a/things" })).statusCode).toBe(401);
  });

  it("lets a handler demand more with authorize()", async () => {
    const viewer = await get("/v1/orgs/org-a/rules", "orgAViewer");
    expect(viewer.statusCode).toBe(403);
    const content = await get("/v1/orgs/org-a/rules", "orgAContent");
    expect(content.json()).toEqual({ keyId: KEYS.orgAContent.keyId, guarded: KEYS.orgAContent.keyId });
  });
});

describe("route declarations", () => {
  async function serverWith(register: (app: FastifyInstance) => void): Promise<FastifyInstance> {
    const app = await buildHttpServer({
      logger: createLogger({ level: "silent" }),
      authenticate: async () => undefined,
      bodyLimitBytes: 1024,
      maxJsonDepth: 8,
      readiness: [],
    });
    await app.register(async (plugin) => register(plugin));
    return app;
  }

  it("refuses a route that declares no access", async () => {
    await expect(serverWith((app) => app.get("/v1/orgs/:org/open", async () => ({})))).rejects.toThrow(
      /config\.auth/,
    );
  });

  it("refuses an orgParam that is not in the path, and unknown roles", async () => {
    await expect(
      serverWith((app) =>
        app.get(
          "/v1/orgs/:orgId/x",
          { config: { auth: { roles: ["viewer"], orgParam: "org" } } },
          async () => ({}),
        ),
      ),
    ).rejects.toThrow(/orgParam/);
    await expect(
      serverWith((app) =>
        app.get("/v1/x", { config: { auth: { roles: ["superuser" as never] } } }, async () => ({})),
      ),
    ).rejects.toThrow(/unknown roles superuser/);
  });

  it("scopes by the parameter after orgs/ whatever its name", async () => {
    const app = await serverWith((plugin) =>
      plugin.get("/v1/orgs/:orgId/x", { config: { auth: { roles: ["viewer"] } } }, async () => ({})),
    );
    try {
      expect((await app.inject({ method: "GET", url: "/v1/orgs/a/x" })).statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });
});
