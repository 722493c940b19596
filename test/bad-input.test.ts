import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schemaTables } from "@switchboard/db";
import type { OutboxTables } from "@switchboard/outbox";
import { waitFor } from "@switchboard/testing";
import { api, type Api, type ApiResponse } from "./support/api.js";
import { expectProblem, send, type Problem, type RawRequest } from "./support/problem.js";
import { readStream, streamCount } from "./support/stream-reader.js";
import { ADMIN_KEY, startStack, type TestStack } from "./support/switchboard.js";
import { bodyCases, nested } from "./support/body-cases.js";
import { eventKey, KEY_KINDS, setUpTenant, snapshotOf, type Tenant } from "./support/tenant.js";
import { listed, writeRoutes, type WriteRoute } from "./support/write-routes.js";

/**
 * Bad input and faults at the API edge: every malformed, mistyped, oversized, misnamed,
 * unauthenticated or foreign request gets a problem+json with a stable code and a detail naming the
 * problem, and leaves no row and no event behind.
 */

const BODY_LIMIT = 1_048_576;
const MAX_DEPTH = 32;
const ORG_PATTERN = 'must match pattern "^[A-Za-z0-9_-]{1,64}$"';
const NAME_PATTERN = 'must match pattern "^[A-Za-z0-9_.-]+$"';

let stack: TestStack;
let admin: Api;
let alpha: Tenant;
let beta: Tenant;
/** Beta's data as its own keys see it before anyone else touches it. */
let betaBefore: unknown;
/** `type:id` of the events the setup wrote. */
let setupEvents: string[] = [];
/** The EVENTS stream's message count once the setup's events are all on it. */
let eventsBefore = 0;
/** `type:id` of every event the successful writes of the barrage must have published, and no more. */
const expectedEvents: string[] = [];

beforeAll(async () => {
  stack = await startStack();
  admin = api(stack.url, ADMIN_KEY);
  alpha = await setUpTenant(stack.url, {
    org: "alpha",
    orgName: "Alpha Health",
    template: "care",
    roles: ["Patient", "Nurse"],
    forms: ["Referral", "Intake"],
    queue: "triage",
    statuses: ["new", "in-progress", "done"],
    user: "alpha-user-1",
  });
  beta = await setUpTenant(stack.url, {
    org: "beta",
    orgName: "Beta Secret Org",
    template: "beta-secret-template",
    roles: ["BetaSecretRole", "BetaOtherRole"],
    forms: ["BetaSecretForm", "BetaOtherForm"],
    queue: "beta-secret-queue",
    statuses: ["beta-secret-status", "beta-open", "beta-closed"],
    user: "beta-secret-user",
  });
  setupEvents = [...alpha.events, ...beta.events];
  eventsBefore = await waitFor(
    async () => {
      const count = await streamCount(stack.nats, "EVENTS");
      return count === setupEvents.length && count;
    },
    { what: "the setup's events on the EVENTS stream" },
  );
  betaBefore = await snapshotOf(beta);
});

afterAll(async () => {
  await stack?.close();
});

const alphaPath = (rest: string) => `/v1/orgs/${alpha.org}${rest}`;
const WRITE_ROUTES = writeRoutes(() => ({ admin, alpha }));
const BODY_CASES = bodyCases({ bodyLimit: BODY_LIMIT, maxDepth: MAX_DEPTH });

async function expectUnchanged(route: WriteRoute, act: () => Promise<ApiResponse>): Promise<ApiResponse> {
  const before = await route.rows();
  const res = await act();
  expect(await route.rows(), `${route.name} left a row behind`).toEqual(before);
  return res;
}

describe("request bodies on every write route", () => {
  describe.each(WRITE_ROUTES)("$name", (route) => {
    it.each(BODY_CASES)("$name → $status $code", async (c) => {
      const res = await expectUnchanged(route, () =>
        send(stack.url, route.method, route.path(), { key: route.key(), ...c.request(route) }),
      );
      const problem = expectProblem(res, c.status, c.code, c.detail(route));
      expect(problem.instance).toBe(route.path());
      c.errors?.(route, problem);
    });
  });
});

describe("DELETE /v1/orgs/{org}/api-keys/{id}", () => {
  let victim: { id: string; key: string };
  const path = () => alphaPath(`/api-keys/${victim.id}`);
  const keyStillWorks = async () =>
    expect((await api(stack.url, victim.key).get(alphaPath("/plans"))).status).toBe(200);

  beforeAll(async () => {
    const created = await alpha.client.admin.post(alphaPath("/api-keys"), {
      name: "victim",
      roles: ["viewer"],
    });
    expect(created.status).toBe(201);
    victim = { id: created.body.id, key: created.body.key };
  });

  const cases: { name: string; request: () => RawRequest; status: number; code: string; detail: string }[] = [
    {
      name: "malformed JSON",
      request: () => ({ body: '{"reason":' }),
      status: 400,
      code: "SB_ERR_MALFORMED_JSON",
      detail: "not valid JSON",
    },
    {
      name: "a body over the size limit",
      request: () => ({ body: JSON.stringify({ padding: "x".repeat(BODY_LIMIT) }) }),
      status: 413,
      code: "SB_ERR_BODY_TOO_LARGE",
      detail: `limit of ${BODY_LIMIT} bytes`,
    },
    {
      name: "JSON nested too deep",
      request: () => ({ body: nested(MAX_DEPTH + 1) }),
      status: 400,
      code: "SB_ERR_JSON_TOO_DEEP",
      detail: `${MAX_DEPTH} levels`,
    },
    {
      name: "a __proto__ key",
      request: () => ({ body: '{"__proto__":{"isAdmin":true}}' }),
      status: 400,
      code: "SB_ERR_MALFORMED_JSON",
      detail: '"__proto__" is not allowed',
    },
    {
      name: "a text/plain body",
      request: () => ({ body: "please", contentType: "text/plain" }),
      status: 415,
      code: "SB_ERR_UNSUPPORTED_MEDIA_TYPE",
      detail: '"text/plain"',
    },
  ];

  it.each(cases)("$name → $status $code, and the key stays live", async (c) => {
    const before = await listed(alpha.client.admin, alphaPath("/api-keys"));
    expectProblem(
      await send(stack.url, "DELETE", path(), { key: alpha.keys.admin, ...c.request() }),
      c.status,
      c.code,
      c.detail,
    );
    expect(await listed(alpha.client.admin, alphaPath("/api-keys"))).toEqual(before);
    await keyStillWorks();
  });

  it("an id over 100 characters → 400 naming the parameter", async () => {
    const res = await alpha.client.admin.delete(alphaPath(`/api-keys/${"k".repeat(101)}`));
    expectProblem(res, 400, "SB_ERR_VALIDATION", "params/id must NOT have more than 100 characters");
  });

  it("an id holding a NUL character → 400 naming the parameter", async () => {
    expectProblem(
      await alpha.client.admin.delete(alphaPath("/api-keys/key_%00")),
      400,
      "SB_ERR_VALIDATION",
      "params/id must not contain U+0000 (NUL)",
    );
  });

  it("an unknown id → 404 naming the key and the org", async () => {
    const res = await alpha.client.admin.delete(alphaPath("/api-keys/key_0000000000000000"));
    expectProblem(
      res,
      404,
      "SB_ERR_NOT_FOUND",
      'API key "key_0000000000000000" does not exist in org "alpha"',
    );
  });

  it("another org's key id under one's own org → 404, and that key keeps working", async () => {
    const res = await alpha.client.admin.delete(alphaPath(`/api-keys/${beta.keyIds.viewer}`));
    expectProblem(
      res,
      404,
      "SB_ERR_NOT_FOUND",
      `API key "${beta.keyIds.viewer}" does not exist in org "alpha"`,
    );
    expect((await beta.client.viewer.get("/v1/orgs/beta/plans")).status).toBe(200);
  });

  it("a body-less DELETE that declares JSON (as many clients do) revokes the key", async () => {
    const res = await send(stack.url, "DELETE", path(), {
      key: alpha.keys.admin,
      headers: { "content-type": "application/json" },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(204);
    const keys = (await listed(alpha.client.admin, alphaPath("/api-keys"))) as { apiKeys: { id: string }[] };
    expect(keys.apiKeys.map((k) => k.id)).not.toContain(victim.id);
  });
});

describe("path parameters of write routes", () => {
  const cases: {
    name: string;
    method: string;
    path: () => string;
    key: () => string;
    body: () => unknown;
    detail: string;
  }[] = [
    {
      name: "a plan id that is not a UUID",
      method: "POST",
      path: () => alphaPath("/plans/plan-1/form-assignments"),
      key: () => alpha.keys.app,
      body: () => ({ formName: "Intake", userId: "u" }),
      detail: 'params/planId must match format "uuid"',
    },
    {
      name: "a form assignment id that is not a UUID",
      method: "POST",
      path: () => alphaPath("/form-assignments/42/submission"),
      key: () => alpha.keys.app,
      body: () => ({ data: {} }),
      detail: 'params/id must match format "uuid"',
    },
    {
      name: "a work-queue item id that is not a UUID",
      method: "PATCH",
      path: () => alphaPath("/work-queue-items/item-1"),
      key: () => alpha.keys.app,
      body: () => ({ status: "done" }),
      detail: 'params/id must match format "uuid"',
    },
    {
      name: "a queue name with a space",
      method: "POST",
      path: () => alphaPath("/work-queues/tri%20age/items"),
      key: () => alpha.keys.app,
      body: () => ({ planId: alpha.planId, priority: 1 }),
      detail: `params/queue ${NAME_PATTERN}`,
    },
  ];

  it.each(cases)("$name → 400 naming the parameter", async (c) => {
    const before = await snapshotOf(alpha);
    const res = await send(stack.url, c.method, c.path(), { key: c.key(), body: JSON.stringify(c.body()) });
    expectProblem(res, 400, "SB_ERR_VALIDATION", c.detail);
    expect(await snapshotOf(alpha)).toEqual(before);
  });

  it.each([
    [
      "a percent-encoding that is not UTF-8",
      "/v1/orgs/%E0%A4/plans",
      "a percent-encoded sequence in it does not decode to UTF-8",
    ],
    [
      "a percent-encoded lone surrogate",
      "/v1/orgs/alpha/work-queues/%ED%A0%80/items",
      "a percent-encoded sequence in it does not decode to UTF-8",
    ],
    [
      "a path segment over 1000 characters",
      `/v1/orgs/${"a".repeat(1001)}/plans`,
      "a path segment is longer than 1000 characters",
    ],
  ])("%s → 400 problem+json, not fastify's own error shape", async (_name, path, detail) => {
    const res = await send(stack.url, "POST", path, {
      key: ADMIN_KEY,
      body: JSON.stringify({ templateName: "care", userId: "u" }),
    });
    const problem = expectProblem(res, 400, "SB_ERR_VALIDATION", detail);
    expect(problem.detail).not.toContain("FST_");
  });
});

describe("bad names", () => {
  const BAD_ORG_IDS = [
    "al.pha",
    "al pha",
    "al>pha",
    "al*",
    "alphé",
    "ålpha",
    "a".repeat(65),
    "",
    "a/b",
    "switchboard.events.>",
  ];

  it.each(BAD_ORG_IDS)(
    "POST /v1/orgs with id %j → 400 naming body/id and its pattern, no org created",
    async (id) => {
      const before = await listed(admin, "/v1/orgs");
      expectProblem(
        await admin.post("/v1/orgs", { id, name: "Bad" }),
        400,
        "SB_ERR_VALIDATION",
        `body/id ${ORG_PATTERN}`,
      );
      expect(await listed(admin, "/v1/orgs")).toEqual(before);
    },
  );

  it("an org id of exactly 64 characters is accepted, and an org name over 200 characters is not", async () => {
    expect((await admin.post("/v1/orgs", { id: "o".repeat(64), name: "Long id" })).status).toBe(201);
    expectProblem(
      await admin.post("/v1/orgs", { id: "longname", name: "n".repeat(201) }),
      400,
      "SB_ERR_VALIDATION",
      "body/name must NOT have more than 200 characters",
    );
  });

  // Every org-scoped write route, with the platform key (which may act on any org), so only the name is wrong.
  const ORG_SCOPED = WRITE_ROUTES.filter((r) => r.name.includes("{org}"));
  const PATH_ORG_IDS = [
    "al.pha",
    "al%20pha",
    "al%3Epha",
    "al*pha",
    "alph%C3%A9",
    "a".repeat(65),
    "a".repeat(300),
    "a%2Fb",
  ];

  describe.each(ORG_SCOPED)("$name with a bad org in the path", (route) => {
    it.each(PATH_ORG_IDS)("%s → 400 naming params/org", async (org) => {
      const path = route.path().replace("/v1/orgs/alpha", `/v1/orgs/${org}`);
      const res = await send(stack.url, route.method, path, {
        key: ADMIN_KEY,
        body: JSON.stringify(route.valid()),
      });
      expectProblem(res, 400, "SB_ERR_VALIDATION", `params/org ${ORG_PATTERN}`);
    });
  });

  it("an org key naming a malformed org gets the same 404 as for any org not its own", async () => {
    const res = await alpha.client.app.post("/v1/orgs/al.pha/plans", { templateName: "care", userId: "u" });
    expectProblem(res, 404, "SB_ERR_NOT_FOUND", "not found");
  });

  it.each([
    ["name", { name: "care plan", roles: [] }, `body/name ${NAME_PATTERN}`],
    ["name", { name: "care/plan", roles: [] }, `body/name ${NAME_PATTERN}`],
    ["name", { name: "care>", roles: [] }, `body/name ${NAME_PATTERN}`],
    ["name", { name: "care*", roles: [] }, `body/name ${NAME_PATTERN}`],
    ["name", { name: "cäre", roles: [] }, `body/name ${NAME_PATTERN}`],
    ["name", { name: "c".repeat(101), roles: [] }, "body/name must NOT have more than 100 characters"],
    ["name", { name: "", roles: [] }, "body/name must NOT have fewer than 1 characters"],
    ["a role", { name: "ok", roles: ["Pa tient"] }, `body/roles/0 ${NAME_PATTERN}`],
    ["a form", { name: "ok", roles: [], forms: ["Referral", "Dis charge"] }, `body/forms/1 ${NAME_PATTERN}`],
    ["a work queue", { name: "ok", roles: [], workQueues: ["tri>age"] }, `body/workQueues/0 ${NAME_PATTERN}`],
  ])("a plan template whose %s breaks its pattern → 400 naming it", async (_what, body, detail) => {
    const before = await listed(alpha.client.viewer, alphaPath("/plan-templates"));
    expectProblem(
      await alpha.client.cm.post(alphaPath("/plan-templates"), body),
      400,
      "SB_ERR_VALIDATION",
      detail,
    );
    expect(await listed(alpha.client.viewer, alphaPath("/plan-templates"))).toEqual(before);
  });

  it.each(["Re ferral", "Referral>", "Refer*al", "Référral", "f".repeat(101)])(
    "form name %j on a form assignment → 400 naming body/formName",
    async (formName) => {
      const res = await alpha.client.app.post(alphaPath(`/plans/${alpha.planId}/form-assignments`), {
        formName,
        userId: "u",
      });
      expectProblem(res, 400, "SB_ERR_VALIDATION", "body/formName");
    },
  );

  it.each(["tri%20age", "tri%3Eage", "tri*age", "tri%C3%A4ge", "q".repeat(101)])(
    "queue name %s in the path → 400 naming params/queue",
    async (queue) => {
      const before = await listed(alpha.client.viewer, alphaPath("/work-queues"));
      expectProblem(
        await alpha.client.cm.put(alphaPath(`/work-queues/${queue}`), { statuses: ["new"] }),
        400,
        "SB_ERR_VALIDATION",
        "params/queue",
      );
      expect(await listed(alpha.client.viewer, alphaPath("/work-queues"))).toEqual(before);
    },
  );

  it("a plan template name with a path-unsafe character in plans → 400 naming body/templateName", async () => {
    expectProblem(
      await alpha.client.app.post(alphaPath("/plans"), { templateName: "care>", userId: "u" }),
      400,
      "SB_ERR_VALIDATION",
      `body/templateName ${NAME_PATTERN}`,
    );
  });
});

describe("authentication", () => {
  const DELETE_KEY = {
    name: "DELETE /v1/orgs/{org}/api-keys/{id}",
    method: "DELETE",
    path: () => alphaPath(`/api-keys/${alpha.keyIds.viewer}`),
  };

  it.each([...WRITE_ROUTES, DELETE_KEY])(
    "$name without a key → 401 before the body is even read",
    async (route) => {
      const res = await send(stack.url, route.method, route.path(), { body: '{"malformed":' });
      expectProblem(res, 401, "SB_ERR_UNAUTHENTICATED", "a valid API key is required");
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="switchboard"');
    },
  );

  it.each([
    ["Basic credentials", "Basic dXNlcjpwYXNz"],
    ["the scheme alone", "Bearer"],
    ["two tokens", "Bearer abc def"],
    ["another scheme", "Token sbk_abc"],
    ["a key without its scheme", "sbk_abcdefghijklmnop"],
    ["a token with forbidden characters", "Bearer sbk_<script>"],
    ["an oversized header", `Bearer ${"x".repeat(5000)}`],
  ])(
    "a malformed Authorization header (%s) → 401 saying what the header must look like",
    async (_name, header) => {
      const before = await listed(alpha.client.viewer, alphaPath("/plans?limit=500"));
      const res = await send(stack.url, "POST", alphaPath("/plans"), {
        headers: { authorization: header },
        body: JSON.stringify({ templateName: "care", userId: "u" }),
      });
      expectProblem(res, 401, "SB_ERR_UNAUTHENTICATED", 'the Authorization header must be "Bearer <key>"');
      expect(await listed(alpha.client.viewer, alphaPath("/plans?limit=500"))).toEqual(before);
    },
  );

  it("an unknown key → 401", async () => {
    const res = await api(stack.url, `sbk_${"0".repeat(43)}`).post(alphaPath("/plans"), {
      templateName: "care",
      userId: "u",
    });
    expectProblem(res, 401, "SB_ERR_UNAUTHENTICATED", "the API key is unknown or has been revoked");
  });

  it("a key revoked before its first use → 401 on every write route", async () => {
    const created = await alpha.client.admin.post(alphaPath("/api-keys"), {
      name: "short-lived",
      roles: ["org-admin", "app", "content-manager"],
    });
    expect(created.status).toBe(201);
    expect((await alpha.client.admin.delete(alphaPath(`/api-keys/${created.body.id}`))).status).toBe(204);
    for (const route of WRITE_ROUTES.filter((r) => r.name.includes("{org}"))) {
      const res = await expectUnchanged(route, () =>
        send(stack.url, route.method, route.path(), {
          key: created.body.key,
          body: JSON.stringify(route.valid()),
        }),
      );
      expectProblem(res, 401, "SB_ERR_UNAUTHENTICATED", "the API key is unknown or has been revoked");
    }
  });

  it("a key revoked after use stops working once the authentication cache has let it go", async () => {
    const created = await alpha.client.admin.post(alphaPath("/api-keys"), {
      name: "used-then-revoked",
      roles: ["app"],
    });
    const used = api(stack.url, created.body.key);
    expect((await used.get(alphaPath("/plans"))).status).toBe(200);
    expect((await alpha.client.admin.delete(alphaPath(`/api-keys/${created.body.id}`))).status).toBe(204);
    const refused = await waitFor(
      async () => {
        const res = await used.get(alphaPath("/plans"));
        return res.status === 401 && res;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: "the revoked key to be refused" },
    );
    expectProblem(refused, 401, "SB_ERR_UNAUTHENTICATED", "revoked");
    const write = await used.post(alphaPath("/plans"), { templateName: "care", userId: "after-revocation" });
    expectProblem(write, 401, "SB_ERR_UNAUTHENTICATED", "revoked");
  });
});

describe("authorization", () => {
  it.each(WRITE_ROUTES)("$name with a viewer key → 403 naming the roles that would do", async (route) => {
    const key = route.name === "POST /v1/orgs" ? alpha.keys.admin : alpha.keys.viewer;
    const res = await expectUnchanged(route, () =>
      send(stack.url, route.method, route.path(), { key, body: JSON.stringify(route.valid()) }),
    );
    expectProblem(res, 403, "SB_ERR_FORBIDDEN", `this operation requires one of the roles: ${route.roles}`);
  });

  it("a viewer key revoking a key → 403, and the key stays live", async () => {
    const res = await alpha.client.viewer.delete(alphaPath(`/api-keys/${alpha.keyIds.app}`));
    expectProblem(res, 403, "SB_ERR_FORBIDDEN", "org-admin");
    expect((await alpha.client.app.get(alphaPath("/plans"))).status).toBe(200);
  });

  it.each([
    ["an app key", "app", "POST", "/plan-templates", { name: "x", roles: [] }, "content-manager"],
    ["an app key", "app", "PUT", "/work-queues/triage", { statuses: ["x"] }, "content-manager"],
    ["an app key", "app", "POST", "/api-keys", { name: "x", roles: ["app"] }, "org-admin"],
    ["a content-manager key", "cm", "POST", "/plans", { templateName: "care", userId: "u" }, "app"],
    ["a content-manager key", "cm", "PATCH", "/work-queue-items/{item}", { status: "done" }, "app"],
  ] as const)("%s on %s %s → 403 naming %s", async (_who, kind, method, rest, body, role) => {
    const before = await snapshotOf(alpha);
    const res = await send(stack.url, method, alphaPath(rest.replace("{item}", alpha.itemId)), {
      key: alpha.keys[kind],
      body: JSON.stringify(body),
    });
    expectProblem(res, 403, "SB_ERR_FORBIDDEN", role);
    expect(await snapshotOf(alpha)).toEqual(before);
  });

  it.each([
    ["an org-admin", ["platform-admin"], "body/roles/0", () => alpha.client.admin],
    ["an org-admin", ["viewer", "platform-admin"], "body/roles/1", () => alpha.client.admin],
    ["the platform admin", ["platform-admin"], "body/roles/0", () => admin],
  ] as const)(
    "%s creating an org key with roles %j → 400 naming %s and the roles an org key may hold",
    async (_who, roles, path, client) => {
      const before = await listed(alpha.client.admin, alphaPath("/api-keys"));
      const res = await client().post(alphaPath("/api-keys"), { name: "escalate", roles });
      const problem = expectProblem(
        res,
        400,
        "SB_ERR_VALIDATION",
        `${path} must be equal to one of the allowed values: `,
      );
      const allowed = problem.detail.split("allowed values: ")[1] ?? "";
      expect(allowed).toContain("org-admin");
      expect(allowed).toContain("viewer");
      expect(allowed).not.toContain("platform-admin");
      expect(await listed(alpha.client.admin, alphaPath("/api-keys"))).toEqual(before);
    },
  );
});

describe("another org's key", () => {
  const BETA_SECRETS = () => [
    beta.orgName,
    beta.template,
    beta.user,
    beta.queue,
    beta.statuses[0],
    beta.roles[0],
    beta.forms[0],
    ...Object.values(beta.keys),
  ];

  /** Beta's real identifiers in every parameter, so a leak would have something to leak. */
  function intoBeta(openApiPath: string, org = beta.org): string {
    return openApiPath.replace(/\{(\w+)\}/g, (_all, name: string) => {
      if (name === "org") return org;
      if (name === "planId") return beta.planId;
      if (name === "queue") return beta.queue;
      if (name === "name") return beta.template;
      if (openApiPath.includes("/api-keys/")) return beta.keyIds.viewer;
      if (openApiPath.includes("/form-assignments/")) return beta.assignmentId;
      if (openApiPath.includes("/work-queue-items/")) return beta.itemId;
      return "probe";
    });
  }

  it("on every org-scoped route of beta (from the OpenAPI document) → the same 404 as for an org that does not exist", async () => {
    const docs = await api(stack.url).get("/docs/openapi.json");
    expect(docs.status).toBe(200);
    const routes = Object.entries(docs.body.paths as Record<string, Record<string, unknown>>)
      .filter(([path]) => path.includes("/orgs/{org}"))
      .flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => ({ path, method: method.toUpperCase() })),
      );
    // Every org-scoped write route is among them, so the list is not silently empty or short.
    const listedRoutes = routes.map((r) => `${r.method} ${r.path}`);
    for (const route of WRITE_ROUTES.filter((r) => r.name.includes("{org}"))) {
      expect(listedRoutes).toContain(route.name);
    }
    expect(listedRoutes).toContain("DELETE /v1/orgs/{org}/api-keys/{id}");
    for (const { path, method } of routes) {
      for (const kind of KEY_KINDS) {
        const body = method === "GET" || method === "DELETE" ? {} : { body: "{}" };
        const res = await send(stack.url, method, intoBeta(path), { key: alpha.keys[kind], ...body });
        const problem = expectProblem(res, 404, "SB_ERR_NOT_FOUND", "not found");
        const { instance, ...rest } = problem;
        expect(instance).toBe(intoBeta(path));
        for (const secret of BETA_SECRETS())
          expect(JSON.stringify(rest), `${method} ${path} leaks`).not.toContain(secret);
        for (const id of [beta.planId, beta.assignmentId, beta.itemId])
          expect(JSON.stringify(rest)).not.toContain(id);
        const nowhere = await send(stack.url, method, intoBeta(path, "gamma"), {
          key: alpha.keys[kind],
          ...body,
        });
        const { instance: _ignored, ...same } = nowhere.body as Problem;
        expect(same, `${method} ${path}: beta's 404 differs from a missing org's`).toEqual(rest);
      }
    }
  });

  it("alpha's ids for beta's things under alpha's own org → 404, and beta's data is unchanged", async () => {
    const app = alpha.client.app;
    expectProblem(
      await app.post(alphaPath(`/plans/${beta.planId}/form-assignments`), {
        formName: "Referral",
        userId: "u",
      }),
      404,
      "SB_ERR_NOT_FOUND",
      `plan ${beta.planId} does not exist`,
    );
    expectProblem(
      await app.post(alphaPath(`/form-assignments/${beta.assignmentId}/submission`), { data: {} }),
      404,
      "SB_ERR_NOT_FOUND",
      `form assignment ${beta.assignmentId} does not exist`,
    );
    expectProblem(
      await app.patch(alphaPath(`/work-queue-items/${beta.itemId}`), { status: "done" }),
      404,
      "SB_ERR_NOT_FOUND",
      `work queue item ${beta.itemId} does not exist`,
    );
    expectProblem(
      await app.post(alphaPath("/work-queues/triage/items"), { planId: beta.planId, priority: 1 }),
      404,
      "SB_ERR_NOT_FOUND",
      `plan ${beta.planId} does not exist`,
    );
    expectProblem(
      await app.get(alphaPath(`/plans/${beta.planId}`)),
      404,
      "SB_ERR_NOT_FOUND",
      `plan ${beta.planId} does not exist`,
    );
    expect(await snapshotOf(beta)).toEqual(betaBefore);
  });
});

describe("domain errors", () => {
  it("a duplicate org → 409, and the first org is unchanged", async () => {
    const before = await listed(admin, "/v1/orgs");
    expectProblem(
      await admin.post("/v1/orgs", { id: "alpha", name: "Impostor" }),
      409,
      "SB_ERR_CONFLICT",
      'org "alpha" already exists',
    );
    expect(await listed(admin, "/v1/orgs")).toEqual(before);
  });

  it("a duplicate plan template → 409, and the first template is unchanged", async () => {
    const before = await listed(alpha.client.viewer, alphaPath("/plan-templates"));
    const res = await alpha.client.cm.post(alphaPath("/plan-templates"), {
      name: "care",
      roles: ["Impostor"],
    });
    expectProblem(res, 409, "SB_ERR_CONFLICT", 'plan template "care" already exists');
    expect(await listed(alpha.client.viewer, alphaPath("/plan-templates"))).toEqual(before);
  });

  const rejected: {
    name: string;
    act: () => Promise<ApiResponse>;
    status: number;
    code: string;
    detail: string | RegExp;
  }[] = [
    {
      name: "a plan of an unknown template",
      act: () => alpha.client.app.post(alphaPath("/plans"), { templateName: "nope", userId: "u" }),
      status: 404,
      code: "SB_ERR_NOT_FOUND",
      detail: 'plan template "nope" does not exist',
    },
    {
      name: "a role assignment whose role is not in the template",
      act: () =>
        alpha.client.app.post(alphaPath("/plans"), {
          templateName: "care",
          userId: "u",
          roleAssignments: [
            { roleId: "Patient", userId: "u" },
            { roleId: "Surgeon", userId: "s" },
          ],
        }),
      status: 400,
      code: "SB_ERR_VALIDATION",
      detail: 'role(s) "Surgeon" are not roles of template "care" (roles: Patient, Nurse)',
    },
    {
      name: "a form that is not in the plan's template",
      act: () =>
        alpha.client.app.post(alphaPath(`/plans/${alpha.planId}/form-assignments`), {
          formName: "Discharge",
          userId: "u",
        }),
      status: 400,
      code: "SB_ERR_VALIDATION",
      detail: 'form "Discharge" is not a form of template "care" (forms: Referral, Intake)',
    },
    {
      name: "a form assignment on an unknown plan",
      act: () =>
        alpha.client.app.post(alphaPath(`/plans/${randomUUID()}/form-assignments`), {
          formName: "Referral",
          userId: "u",
        }),
      status: 404,
      code: "SB_ERR_NOT_FOUND",
      detail: /^plan [0-9a-f-]{36} does not exist$/,
    },
    {
      name: "a submission of an unknown form assignment",
      act: () =>
        alpha.client.app.post(alphaPath(`/form-assignments/${randomUUID()}/submission`), { data: {} }),
      status: 404,
      code: "SB_ERR_NOT_FOUND",
      detail: /^form assignment [0-9a-f-]{36} does not exist$/,
    },
    {
      name: "an item for an unknown plan",
      act: () =>
        alpha.client.app.post(alphaPath("/work-queues/triage/items"), { planId: randomUUID(), priority: 1 }),
      status: 404,
      code: "SB_ERR_NOT_FOUND",
      detail: /^plan [0-9a-f-]{36} does not exist$/,
    },
    {
      name: "an item on an unknown queue",
      act: () =>
        alpha.client.app.post(alphaPath("/work-queues/nowhere/items"), { planId: alpha.planId, priority: 1 }),
      status: 404,
      code: "SB_ERR_NOT_FOUND",
      detail: 'work queue "nowhere" does not exist',
    },
    {
      name: "an item created in a status the queue does not have",
      act: () =>
        alpha.client.app.post(alphaPath("/work-queues/triage/items"), {
          planId: alpha.planId,
          priority: 1,
          status: "archived",
        }),
      status: 400,
      code: "SB_ERR_VALIDATION",
      detail: 'status "archived" is not a status of work queue "triage" (statuses: new, in-progress, done)',
    },
    {
      name: "a status change to a status the queue does not have",
      act: () =>
        alpha.client.app.patch(alphaPath(`/work-queue-items/${alpha.itemId}`), { status: "archived" }),
      status: 400,
      code: "SB_ERR_VALIDATION",
      detail: 'status "archived" is not a status of work queue "triage" (statuses: new, in-progress, done)',
    },
    {
      name: "a status change of an unknown item",
      act: () => alpha.client.app.patch(alphaPath(`/work-queue-items/${randomUUID()}`), { status: "done" }),
      status: 404,
      code: "SB_ERR_NOT_FOUND",
      detail: /^work queue item [0-9a-f-]{36} does not exist$/,
    },
    {
      name: "a key for an org that does not exist",
      act: () => admin.post("/v1/orgs/ghost/api-keys", { name: "k", roles: ["viewer"] }),
      status: 404,
      code: "SB_ERR_NOT_FOUND",
      detail: 'org "ghost" does not exist',
    },
  ];

  it.each(rejected)("$name → $status $code with a detail naming it, nothing written", async (c) => {
    const before = await snapshotOf(alpha);
    expectProblem(await c.act(), c.status, c.code, c.detail);
    expect(await snapshotOf(alpha)).toEqual(before);
  });

  it.each([
    ["POST", "/plan-templates", { name: "care", roles: ["Patient"] }],
    ["POST", "/plans", { templateName: "care", userId: "u" }],
    ["PUT", "/work-queues/triage", { statuses: ["new"] }],
    ["GET", "/plans", undefined],
  ] as const)(
    "the platform admin on %s %s of an org that does not exist → 404, and the org does not appear",
    async (method, rest, body) => {
      const res = await send(stack.url, method, `/v1/orgs/ghost${rest}`, {
        key: ADMIN_KEY,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      expectProblem(res, 404, "SB_ERR_NOT_FOUND", 'org "ghost" does not exist');
      expect(JSON.stringify(await listed(admin, "/v1/orgs"))).not.toContain("ghost");
    },
  );

  it("submitting a form twice → 409, and the first submission's data stays", async () => {
    const assigned = await alpha.client.app.post(alphaPath(`/plans/${alpha.planId}/form-assignments`), {
      formName: "Intake",
      userId: alpha.user,
    });
    expect(assigned.status).toBe(201);
    const path = alphaPath(`/form-assignments/${assigned.body.id}/submission`);
    expect((await alpha.client.app.post(path, { data: { answer: "first" } })).status).toBe(200);
    expectedEvents.push(`formAssigned:${assigned.body.id}`, `formSubmitted:${assigned.body.id}`);
    const second = await alpha.client.app.post(path, { data: { answer: "second" } });
    expectProblem(
      second,
      409,
      "SB_ERR_CONFLICT",
      `form assignment ${assigned.body.id} was already submitted at `,
    );
    const stored = await alpha.client.viewer.get(alphaPath(`/form-assignments/${assigned.body.id}`));
    expect(stored.body).toMatchObject({ status: "submitted", data: { answer: "first" } });
  });

  it("a body under the HTTP limit whose event would not fit on the bus → 413, nothing written, and later events still flow", async () => {
    const before = await snapshotOf(alpha);
    const prefill = { note: "n".repeat(BODY_LIMIT - 200) };
    const res = await alpha.client.app.post(alphaPath(`/plans/${alpha.planId}/form-assignments`), {
      formName: "Referral",
      userId: alpha.user,
      prefill,
    });
    expectProblem(res, 413, "SB_ERR_BODY_TOO_LARGE", /the formAssigned event .* bytes/);
    expect(await snapshotOf(alpha)).toEqual(before);
    const next = await alpha.client.app.post(alphaPath(`/plans/${alpha.planId}/form-assignments`), {
      formName: "Referral",
      userId: alpha.user,
    });
    expect(next.status).toBe(201);
    expectedEvents.push(`formAssigned:${next.body.id}`);
    await waitFor(
      async () =>
        (await readStream(stack.nats, "EVENTS")).some((m) => m.data.info.formAssignmentId === next.body.id),
      {
        what: "the formAssigned event written after the refused one",
      },
    );
  });
});

describe("idempotency keys", () => {
  const plans = (userId: string) => alpha.client.viewer.get(alphaPath(`/plans?userId=${userId}`));

  it("the same Idempotency-Key twice → one plan, the second answer replayed", async () => {
    const body = {
      templateName: "care",
      userId: "idem-user-1",
      roleAssignments: [{ roleId: "Patient", userId: "idem-user-1" }],
    };
    const headers = { "idempotency-key": "create-plan-idem-user-1" };
    const first = await alpha.client.app.post(alphaPath("/plans"), body, headers);
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const second = await alpha.client.app.post(alphaPath("/plans"), body, headers);
    expect(second.status).toBe(201);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.body).toEqual(first.body);
    expectedEvents.push(`planCreated:${first.body.id}`);
    expect((await plans("idem-user-1")).body.plans.map((p: { id: string }) => p.id)).toEqual([first.body.id]);
  });

  it("the same Idempotency-Key with a different body → 409, and no second plan", async () => {
    const headers = { "idempotency-key": "create-plan-idem-user-1" };
    const res = await alpha.client.app.post(
      alphaPath("/plans"),
      { templateName: "care", userId: "idem-user-2" },
      headers,
    );
    expectProblem(
      res,
      409,
      "SB_ERR_CONFLICT",
      'idempotency key "create-plan-idem-user-1" was already used for a different request',
    );
    expect((await plans("idem-user-2")).body.plans).toEqual([]);
    expect((await plans("idem-user-1")).body.plans).toHaveLength(1);
  });

  it("a key whose first use failed is not spent: the corrected retry creates the plan", async () => {
    const headers = { "idempotency-key": "create-plan-idem-user-3" };
    const failed = await alpha.client.app.post(
      alphaPath("/plans"),
      { templateName: "car", userId: "idem-user-3" },
      headers,
    );
    expectProblem(failed, 404, "SB_ERR_NOT_FOUND", 'plan template "car" does not exist');
    const retried = await alpha.client.app.post(
      alphaPath("/plans"),
      { templateName: "care", userId: "idem-user-3" },
      headers,
    );
    expect(retried.status).toBe(201);
    expect(retried.headers.get("idempotent-replayed")).toBeNull();
    expectedEvents.push(`planCreated:${retried.body.id}`);
  });

  it.each([
    ["idempotency-key", "has spaces in it"],
    ["idempotency-key", "k".repeat(201)],
    ["switchboard-requested-by", "two words"],
    ["switchboard-trace-id", "tab\there"],
  ])("a malformed %s header → 400 naming the header, nothing written", async (name, value) => {
    const before = await snapshotOf(alpha);
    const res = await alpha.client.app.post(
      alphaPath("/plans"),
      { templateName: "care", userId: "header-user" },
      { [name]: value },
    );
    expectProblem(
      res,
      400,
      "SB_ERR_VALIDATION",
      `header ${name} must be 1-200 printable ASCII characters without spaces`,
    );
    expect(await snapshotOf(alpha)).toEqual(before);
  });
});

describe("after the barrage", () => {
  it("beta's data is exactly as before", async () => {
    expect(await snapshotOf(beta)).toEqual(betaBefore);
  });

  it("the EVENTS stream holds one event per successful write and nothing for any rejected one", async () => {
    const db = schemaTables<OutboxTables>(stack.app.context.database.db);
    await waitFor(
      async () => {
        for (const schema of ["plans", "forms", "work_queues"]) {
          const pending = await db
            .withSchema(schema)
            .selectFrom("outbox")
            .select("id")
            .where("published_at", "is", null)
            .execute();
          if (pending.length > 0) return false;
        }
        return true;
      },
      { timeoutMs: 20_000, what: "every outbox to be published" },
    );
    const eventsAfter = await streamCount(stack.nats, "EVENTS");
    expect(eventsAfter - eventsBefore).toBe(expectedEvents.length);
    // And they are the right ones: each names a write that succeeded; none names a rejected one.
    const onStream = (await readStream(stack.nats, "EVENTS")).map((m) => eventKey(m.data));
    expect(onStream.sort()).toEqual([...setupEvents, ...expectedEvents].sort());
  });

  it("the server is still up and ready", async () => {
    expect((await api(stack.url).get("/healthz")).status).toBe(200);
    const ready = await api(stack.url).get("/readyz");
    expect(ready.status, JSON.stringify(ready.body)).toBe(200);
  });
});
