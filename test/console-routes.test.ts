import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Api } from "./support/api.js";
import { natsPublisher } from "./support/nats-publisher.js";
import { WebhookSink } from "./support/scenario-webhook-sink.js";
import { ADMIN_KEY, startStack, type TestStack } from "./support/switchboard.js";

/** The API routes the web console added: who a key is, an inbound event's recent samples, webhook health. */
let stack: TestStack;
let admin: Api;
const keys: Record<string, { id: string; key: string }> = {};

beforeAll(async () => {
  stack = await startStack({ SWITCHBOARD_WEBHOOK_ALLOWLIST: "127.0.0.1" });
  admin = api(stack.url, ADMIN_KEY);
  for (const org of ["hrh", "other"]) {
    expect((await admin.post("/v1/orgs", { id: org, name: `Org ${org}` })).status).toBe(201);
  }
  for (const [name, org, roles] of [
    ["cm", "hrh", ["content-manager", "viewer"]],
    ["viewer", "hrh", ["viewer"]],
    ["integration", "hrh", ["integration"]],
    ["otherViewer", "other", ["viewer"]],
  ] as const) {
    const made = await admin.post(`/v1/orgs/${org}/api-keys`, { name, roles });
    keys[name] = { id: made.body.id as string, key: made.body.key as string };
  }
});

afterAll(async () => {
  await stack?.close();
});

describe("GET /v1/whoami", () => {
  it("names the key's org and roles, and a platform key's null org", async () => {
    const cm = await api(stack.url, keys["cm"]!.key).get("/v1/whoami");
    expect(cm.status).toBe(200);
    expect(cm.body).toEqual({
      keyId: keys["cm"]!.id,
      orgId: "hrh",
      orgName: "Org hrh",
      roles: ["content-manager", "viewer"],
    });
    const platform = await admin.get("/v1/whoami");
    expect(platform.body).toMatchObject({ orgId: null, orgName: null, roles: ["platform-admin"] });
  });

  it("answers 401 without a valid key", async () => {
    const none = await api(stack.url).get("/v1/whoami");
    expect([none.status, none.body.code]).toEqual([401, "SB_ERR_UNAUTHENTICATED"]);
    const revoked = keys["viewer"]!;
    expect((await admin.delete(`/v1/orgs/hrh/api-keys/${revoked.id}`)).status).toBe(204);
    // Keys are cached for 5 s by the services that check them.
    const deadline = Date.now() + 15_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      status = (await api(stack.url, revoked.key).get("/v1/whoami")).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(401);
  });
});

describe("GET /v1/orgs/{org}/inbound-events/{name}/samples", () => {
  it("lists the last messages received, newest first, valid or not, within the org", async () => {
    const cm = api(stack.url, keys["cm"]!.key);
    const schema = { type: "object", properties: { n: { type: "integer" } }, required: ["n"] };
    expect(
      (await cm.put("/v1/orgs/hrh/inbound-events/lab.result", { description: "a result", schema })).status,
    ).toBe(201);
    expect((await cm.get("/v1/orgs/hrh/inbound-events/lab.result/samples")).body).toEqual({ samples: [] });

    type Sample = { messageId: string; payload: unknown; valid: boolean; receivedAt: string };
    const samplesWhen = async (count: number): Promise<Sample[]> => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const samples = (await cm.get("/v1/orgs/hrh/inbound-events/lab.result/samples")).body
          .samples as Sample[];
        if (samples.length >= count || Date.now() > deadline) return samples;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    // One at a time, so that the order they were received in is the order they were sent in.
    const integration = api(stack.url, keys["integration"]!.key);
    for (const n of [1, 2, 3]) {
      const posted = await integration.post(
        "/v1/orgs/hrh/inbound/lab.result",
        { n },
        { "idempotency-key": `r-${n}` },
      );
      expect(posted.status).toBe(202);
      expect(await samplesWhen(n)).toHaveLength(n);
    }
    // One that breaks the schema, straight on NATS (the HTTP edge would refuse it): kept as invalid.
    const publisher = await natsPublisher(stack.nats);
    await publisher
      .publish("switchboard.inbound.hrh.lab.result", { n: "four" }, "r-4")
      .finally(() => publisher.close());
    const samples = await samplesWhen(4);
    expect(samples.map((s) => [s.messageId, s.valid])).toEqual([
      ["r-4", false],
      ["r-3", true],
      ["r-2", true],
      ["r-1", true],
    ]);
    expect(samples[1]!.payload).toEqual({ n: 3 });
    const two = await cm.get("/v1/orgs/hrh/inbound-events/lab.result/samples?limit=2");
    expect(two.body.samples.map((s: { messageId: string }) => s.messageId)).toEqual(["r-4", "r-3"]);
  });

  it("refuses a bad limit, an undeclared event, another org and a key without the role", async () => {
    const cm = api(stack.url, keys["cm"]!.key);
    const bad = await cm.get("/v1/orgs/hrh/inbound-events/lab.result/samples?limit=0");
    expect([bad.status, bad.body.code]).toEqual([400, "SB_ERR_VALIDATION"]);
    const missing = await cm.get("/v1/orgs/hrh/inbound-events/lab.nothing/samples");
    expect([missing.status, missing.body.code]).toEqual([404, "SB_ERR_NOT_FOUND"]);
    const other = await api(stack.url, keys["otherViewer"]!.key).get(
      "/v1/orgs/hrh/inbound-events/lab.result/samples",
    );
    expect([other.status, other.body.code]).toEqual([404, "SB_ERR_NOT_FOUND"]);
    const integration = await api(stack.url, keys["integration"]!.key).get(
      "/v1/orgs/hrh/inbound-events/lab.result/samples",
    );
    expect([integration.status, integration.body.code]).toEqual([403, "SB_ERR_FORBIDDEN"]);
  });
});

describe("GET /v1/orgs/{org}/webhooks/health", () => {
  it("gives each subscription's last success and failure, 24-hour figures and backlog", async () => {
    const sink = await new WebhookSink().start();
    sink.respond = ({ path }) => ({ status: path === "/ok" ? 200 : 500 });
    try {
      const cm = api(stack.url, keys["cm"]!.key);
      const hook = async (path: string) => {
        const made = await cm.post("/v1/orgs/hrh/webhooks", {
          url: sink.url(path),
          eventTypes: ["resultSeen"],
        });
        expect(made.status).toBe(201);
        return made.body.id as string;
      };
      const ok = await hook("/ok");
      const parked = await hook("/fail");
      expect((await cm.patch(`/v1/orgs/hrh/webhooks/${parked}`, { enabled: false })).status).toBe(200);
      // A disabled endpoint's test send still goes out, and fails.
      expect((await cm.post(`/v1/orgs/hrh/webhooks/${parked}/test`)).status).toBe(200);

      const rule = {
        id: "announce-result",
        on: { inbound: "lab.result" },
        actions: [{ emit: { eventType: "resultSeen", info: { n: { var: "n" } } } }],
      };
      expect((await cm.put("/v1/orgs/hrh/rules/announce-result?activate=true", rule)).status).toBe(201);
      const integration = api(stack.url, keys["integration"]!.key);
      for (const n of [10, 11]) {
        const posted = await integration.post(
          "/v1/orgs/hrh/inbound/lab.result",
          { n },
          { "idempotency-key": `h-${n}` },
        );
        expect(posted.status).toBe(202);
      }

      type Health = { id: string; delivered24h?: number; backlog?: number | null; [figure: string]: unknown };
      const deadline = Date.now() + 30_000;
      let health: Health[] = [];
      const of = (id: string) => health.find((h) => h.id === id);
      while (Date.now() < deadline) {
        const answer = await api(stack.url, keys["integration"]!.key).get("/v1/orgs/hrh/webhooks/health");
        expect(answer.status).toBe(200);
        health = answer.body.webhooks;
        if (of(ok)?.delivered24h === 2 && of(ok)?.backlog === 0 && of(parked)?.backlog === 2) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(of(ok)).toMatchObject({
        attempts24h: 2,
        delivered24h: 2,
        successRate24h: 1,
        lastFailureAt: null,
        backlog: 0,
      });
      expect(of(ok)!.lastSuccessAt).not.toBeNull();
      expect(of(parked)).toMatchObject({
        attempts24h: 1,
        delivered24h: 0,
        successRate24h: 0,
        lastSuccessAt: null,
        backlog: 2,
      });
      expect(of(parked)!.lastFailureAt).not.toBeNull();
      expect(sink.to("/ok")).toHaveLength(2);

      const other = await api(stack.url, keys["otherViewer"]!.key).get("/v1/orgs/hrh/webhooks/health");
      expect([other.status, other.body.code]).toEqual([404, "SB_ERR_NOT_FOUND"]);
      expect(
        (await api(stack.url, keys["otherViewer"]!.key).get("/v1/orgs/other/webhooks/health")).body,
      ).toEqual({ webhooks: [] });
    } finally {
      await sink.stop();
    }
  });
});
