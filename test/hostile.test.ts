import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@switchboard/testing";
import { api } from "./support/api.js";
import { countsByCategory, HOSTILE_CORPUS } from "./support/hostile-corpus.js";
import {
  secretsOf,
  setUpHostileOrg,
  type HostileFixture,
  type HostileOrg,
} from "./support/hostile-fixture.js";
import { expectRefusal, sendHostile } from "./support/hostile-http.js";
import { HOSTILE_MESSAGES, publishRaw } from "./support/hostile-messages.js";
import { PUBLIC_ROUTES, routeName } from "./support/hostile-routes.js";
import { readStream } from "./support/stream-reader.js";
import { startStack, type TestStack } from "./support/switchboard.js";

/**
 * A corpus of hostile requests against every route of the OpenAPI document, and hostile messages on
 * the inbound subjects: each is refused with a 4xx problem+json (or dead-lettered with a reason),
 * nothing of another org shows, nothing changes, and the server keeps serving.
 */

type DeskEntry = { id: number; origin: { msgId: string | null }; payloadTruncatedFrom?: number };

let stack: TestStack;
let fx: HostileFixture;
let before: { alpha: unknown; beta: unknown };

const tenant = (org: string, prefix: string) => ({
  org,
  orgName: `${prefix} Org Name`,
  template: `${prefix}-template`,
  roles: [`${prefix}-role-a`, `${prefix}-role-b`] as [string, string],
  forms: [`${prefix}-form-a`, `${prefix}-form-b`] as [string, string],
  queue: `${prefix}-queue`,
  statuses: [`${prefix}-new`, `${prefix}-doing`, `${prefix}-done`] as [string, string, string],
  user: `${prefix}-user`,
  inbound: `${prefix}.probe`,
  rule: `${prefix}-probe-rule`,
});

/** What an org's list endpoints show; a refused request must leave all of it as it was. */
async function snapshotOf(org: HostileOrg): Promise<unknown> {
  const base = `/v1/orgs/${org.org}`;
  const lists = [
    [org.keys.admin, "/api-keys"],
    [org.keys.viewer, "/plan-templates"],
    [org.keys.viewer, "/plans?limit=500"],
    [org.keys.viewer, "/form-assignments?limit=500"],
    [org.keys.viewer, "/work-queues"],
    [org.keys.viewer, "/work-queue-items?limit=500"],
    [org.keys.cm, "/inbound-events"],
    [org.keys.cm, "/rules"],
    [org.keys.cm, `/rules/${org.ruleId}/versions`],
    [org.keys.cm, "/webhooks"],
    [org.keys.admin, "/nats-credentials"],
  ] as const;
  const answers = await Promise.all(lists.map(([key, path]) => api(stack.url, key).get(`${base}${path}`)));
  for (const answer of answers) expect(answer.status).toBe(200);
  return answers.map((answer) => answer.body);
}

beforeAll(async () => {
  stack = await startStack();
  const [alpha, beta] = await Promise.all([
    setUpHostileOrg(stack.url, stack.nats, tenant("alpha", "alpha")),
    setUpHostileOrg(stack.url, stack.nats, tenant("beta", "zq-beta-secret")),
  ]);
  fx = { url: stack.url, nats: stack.nats, alpha, beta };
  before = { alpha: await snapshotOf(alpha), beta: await snapshotOf(beta) };
});

afterAll(async () => {
  await stack?.close();
});

describe("the corpus", () => {
  it("names every route of the OpenAPI document with its roles, and no route the document lacks", async () => {
    const docs = await api(stack.url).get("/docs/openapi.json");
    expect(docs.status).toBe(200);
    const documented = Object.entries(
      docs.body.paths as Record<string, Record<string, Record<string, unknown>>>,
    )
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({
          route: routeName({ method: method.toUpperCase(), path }),
          roles: [...((op["x-switchboard-roles"] as string[] | undefined) ?? [])].sort(),
        })),
      )
      .sort((a, b) => a.route.localeCompare(b.route));
    const tabled = PUBLIC_ROUTES.map((r) => ({ route: routeName(r), roles: [...r.roles].sort() })).sort(
      (a, b) => a.route.localeCompare(b.route),
    );
    expect(tabled).toEqual(documented);
  });

  it("has at least 200 requests and reaches every route", () => {
    const counts = countsByCategory(HOSTILE_CORPUS);
    console.info(`hostile corpus: ${HOSTILE_CORPUS.length} requests`, counts);
    expect(HOSTILE_CORPUS.length).toBeGreaterThanOrEqual(200);
    const reached = new Set(HOSTILE_CORPUS.map((c) => c.route));
    const missed = PUBLIC_ROUTES.map(routeName).filter((route) => !reached.has(route));
    expect(missed, "routes without a hostile case").toEqual([]);
    const unknown = [...reached].filter((route) => !PUBLIC_ROUTES.some((r) => routeName(r) === route));
    expect(unknown, "cases aimed at routes the table does not list").toEqual([]);
  });
});

describe("hostile requests", () => {
  it.concurrent.each(HOSTILE_CORPUS)("$category: $name → $status $code", async (c) => {
    const answer = await sendHostile(fx.url, c.request(fx));
    expectRefusal(answer, c, secretsOf(fx.beta));
  });
});

describe("after the hostile requests", () => {
  it("neither org's data changed", async () => {
    expect(await snapshotOf(fx.beta)).toEqual(before.beta);
    expect(await snapshotOf(fx.alpha)).toEqual(before.alpha);
  });

  it("the server is live and ready, and legitimate requests still work", async () => {
    expect((await api(stack.url).get("/healthz")).status).toBe(200);
    const ready = await api(stack.url).get("/readyz");
    expect(ready.status, JSON.stringify(ready.body)).toBe(200);
    const { alpha } = fx;
    const plan = await api(stack.url, alpha.keys.app).post(`/v1/orgs/${alpha.org}/plans`, {
      templateName: alpha.template,
      userId: "after-the-corpus",
    });
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    const ingested = await api(stack.url, alpha.integrationKey).post(
      `/v1/orgs/${alpha.org}/inbound/${alpha.inboundName}`,
      { note: "after the corpus" },
    );
    expect(ingested.status, JSON.stringify(ingested.body)).toBe(202);
  });
});

describe("hostile messages on the inbound subjects", () => {
  it("are dead-lettered with a reason, pollute nothing, and the engine keeps acting on valid ones", async () => {
    const { alpha } = fx;
    const dlqBefore = (await readStream(stack.nats, "DLQ")).length;
    for (const message of HOSTILE_MESSAGES) {
      await publishRaw(stack.nats, message.subject(alpha), message.data(), message.id);
    }
    const dead = await waitFor(
      async () => {
        const fresh = (await readStream(stack.nats, "DLQ")).slice(dlqBefore);
        return fresh.length >= HOSTILE_MESSAGES.length && fresh;
      },
      { timeoutMs: 30_000, what: "every hostile message in the DLQ" },
    );
    for (const message of HOSTILE_MESSAGES) {
      const letter = dead.find((d) => d.headers["Switchboard-Origin-Msg-Id"] === message.id);
      expect(letter, `${message.id} was not dead-lettered`).toBeDefined();
      expect(letter!.subject).toBe(`switchboard.dlq.${message.dlqOrg ?? alpha.org}.${message.stage}`);
      expect(letter!.headers["Switchboard-Reason"], message.id).toContain(message.reason);
    }
    expect(({} as Record<string, unknown>)["polluted"], "Object.prototype was polluted").toBeUndefined();

    // The one that filled max_payload is kept as an excerpt, which the desk shows and does not republish.
    const desk = api(stack.url, alpha.integrationKey);
    const listed = await desk.get(`/v1/orgs/${alpha.org}/dead-letters?stage=invalid&limit=100`);
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    const excerpt = (listed.body.deadLetters as DeskEntry[]).find(
      (e) => e.origin.msgId === "hostile-max-payload",
    );
    expect(excerpt?.payloadTruncatedFrom).toBeGreaterThan(1_000_000);
    const retried = await desk.post(`/v1/orgs/${alpha.org}/dead-letters/${excerpt!.id}/retry`);
    expect(retried.body).toMatchObject({ outcome: "failed", code: "SB_ERR_VALIDATION" });
    expect(retried.body.error).toContain("keeps only an excerpt");

    // A valid message after the batch is acted on: its rule run is recorded.
    const ok = `valid-after-hostile-${Date.now()}`;
    await publishRaw(
      stack.nats,
      `switchboard.inbound.${alpha.org}.${alpha.inboundName}`,
      JSON.stringify({ note: "go", tags: [ok] }),
      ok,
    );
    const cm = api(stack.url, alpha.keys.cm);
    await waitFor(
      async () => {
        const runs = await cm.get(`/v1/orgs/${alpha.org}/rule-runs?ruleId=${alpha.ruleId}`);
        return (runs.body.runs as { messageId: string }[]).some((r) => r.messageId === ok);
      },
      { timeoutMs: 30_000, what: "the rule run of the valid message" },
    );
  });
});
