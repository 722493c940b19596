import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The client a third party would use: the `nats` package, not Switchboard's own code.
import { connect, credsAuthenticator } from "nats";
import { api, type Api } from "./support/api.js";
import { natsPublisher } from "./support/nats-publisher.js";
import { ADMIN_KEY, startStack, type TestStack } from "./support/switchboard.js";

/** `GET /v1/orgs/{org}/health`: webhooks, inbound events and NATS credentials in one answer. */
let stack: TestStack;
const keys: Record<string, string> = {};

beforeAll(async () => {
  stack = await startStack();
  const admin = api(stack.url, ADMIN_KEY);
  for (const org of ["hrh", "other"])
    expect((await admin.post("/v1/orgs", { id: org, name: `Org ${org}` })).status).toBe(201);
  for (const [name, org, roles] of [
    ["admin", "hrh", ["org-admin"]],
    ["cm", "hrh", ["content-manager"]],
    ["viewer", "hrh", ["viewer"]],
    ["integration", "hrh", ["integration"]],
    ["app", "hrh", ["app"]],
    ["otherViewer", "other", ["viewer"]],
  ] as const) {
    keys[name] = (await admin.post(`/v1/orgs/${org}/api-keys`, { name, roles })).body.key as string;
  }
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

type Row = Record<string, unknown>;
type Health = { webhooks: Row[]; inboundEvents: Row[]; natsCredentials: Row[]; unavailable: string[] };

/** Asks for the org's health until `done` holds (the figures are written just after the acks). */
async function healthWhen(as: Api, done: (health: Health) => boolean, what: string): Promise<Health> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await as.get("/v1/orgs/hrh/health");
    expect(answer.status).toBe(200);
    const health = answer.body as Health;
    if (done(health)) return health;
    if (Date.now() > deadline) throw new Error(`no ${what} in ${JSON.stringify(health)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const row = (rows: Row[], key: string, value: string) => rows.find((r) => r[key] === value);

describe("inbound events", () => {
  it("a processed message is the last success, a dead-lettered one the last failure, with the 24-hour rate", async () => {
    const cm = api(stack.url, keys["cm"]);
    const schema = { type: "object", properties: { n: { type: "integer" } }, required: ["n"] };
    for (const name of ["lab.result", "lab.quiet"])
      expect(
        (await cm.put(`/v1/orgs/hrh/inbound-events/${name}`, { description: name, schema })).status,
      ).toBe(201);
    // Three that the engine processes, one that breaks the schema and one nobody declared (the HTTP
    // edge would refuse the last two), straight on NATS.
    const publisher = await natsPublisher(stack.nats);
    try {
      const sent: Array<[string, unknown]> = [
        ["lab.result", { n: 1 }],
        ["lab.result", { n: 2 }],
        ["lab.result", { n: 3 }],
        ["lab.result", { n: "four" }],
        ["lab.unknown", { n: 5 }],
      ];
      for (const [i, [name, payload]] of sent.entries())
        await publisher.publish(`switchboard.inbound.hrh.${name}`, payload, `m-${i}`);
    } finally {
      await publisher.close();
    }

    const health = await healthWhen(
      api(stack.url, keys["viewer"]),
      // The counts are written as the acks go out: the backlog is 0 once the acks arrived too.
      (h) =>
        row(h.inboundEvents, "name", "lab.result")?.attempts24h === 4 &&
        row(h.inboundEvents, "name", "lab.result")?.backlog === 0,
      "four messages of lab.result, settled",
    );
    expect(health.unavailable).toEqual([]);
    expect(health.inboundEvents.map((e) => e.name)).toEqual(["lab.quiet", "lab.result"]);
    const result = row(health.inboundEvents, "name", "lab.result")!;
    expect(result).toMatchObject({
      attempts24h: 4,
      succeeded24h: 3,
      failed24h: 1,
      successRate24h: 0.75,
      lastFailureReason: "invalid",
      backlog: 0,
    });
    expect(Date.parse(String(result.lastSuccessAt))).toBeGreaterThan(Date.now() - 60_000);
    expect(Date.parse(String(result.lastFailureAt))).toBeGreaterThan(Date.now() - 60_000);
    expect(row(health.inboundEvents, "name", "lab.quiet")).toEqual({
      name: "lab.quiet",
      lastSuccessAt: null,
      lastFailureAt: null,
      lastFailureReason: null,
      attempts24h: 0,
      succeeded24h: 0,
      failed24h: 0,
      successRate24h: null,
      backlog: 0,
    });
  });
});

describe("NATS credentials", () => {
  it("a connection is the last success; a revoked credential's closed and refused connections are failures", async () => {
    const admin = api(stack.url, keys["admin"]);
    const created = await admin.post("/v1/orgs/hrh/nats-credentials", {
      name: "scheduling system",
      access: ["subscribe", "publish", "consume"],
    });
    expect(created.status).toBe(201);
    const { id, creds, inboxPrefix } = created.body as { id: string; creds: string; inboxPrefix: string };
    const options = {
      servers: stack.nats.url,
      authenticator: credsAuthenticator(new TextEncoder().encode(creds)),
      inboxPrefix,
      reconnect: false,
    };

    // Its own consumer holds what the org published since: the event that announced the credential.
    const listed = await healthWhen(
      api(stack.url, keys["viewer"]),
      (h) => row(h.natsCredentials, "id", id)?.backlog === 1,
      "the credential's consumer holding its creation event",
    );
    expect(row(listed.natsCredentials, "id", id)).toMatchObject({
      name: "scheduling system",
      revokedAt: null,
      lastSuccessAt: null,
      attempts24h: 0,
      successRate24h: null,
    });

    const nc = await connect(options);
    const connected = await healthWhen(
      api(stack.url, keys["viewer"]),
      (h) => row(h.natsCredentials, "id", id)?.succeeded24h === 1,
      "the credential's connection",
    );
    expect(row(connected.natsCredentials, "id", id)).toMatchObject({
      lastFailureAt: null,
      attempts24h: 1,
      failed24h: 0,
      successRate24h: 1,
    });
    expect(row(connected.natsCredentials, "id", id)!.lastSuccessAt).not.toBeNull();

    // Revoked: the server closes its connection, and refuses the next one.
    const closed = nc.closed();
    expect((await admin.delete(`/v1/orgs/hrh/nats-credentials/${id}`)).status).toBe(204);
    await closed;
    await expect(connect(options)).rejects.toThrow();
    const revoked = await healthWhen(
      api(stack.url, keys["viewer"]),
      (h) => row(h.natsCredentials, "id", id)?.failed24h === 2,
      "the revoked credential's two failures",
    );
    const figures = row(revoked.natsCredentials, "id", id)!;
    expect(figures).toMatchObject({ attempts24h: 3, succeeded24h: 1, failed24h: 2, backlog: null });
    expect(figures.successRate24h).toBeCloseTo(1 / 3);
    expect(figures.revokedAt).not.toBeNull();
    expect(String(figures.lastFailureReason)).toMatch(/^connection (refused|closed): /);
    expect(Date.parse(String(figures.lastFailureAt))).toBeGreaterThanOrEqual(
      Date.parse(String(figures.lastSuccessAt)),
    );
  });
});

describe("GET /v1/orgs/{org}/health", () => {
  it("answers the roles of the webhooks' health route, in the org only", async () => {
    for (const name of ["admin", "cm", "viewer", "integration"])
      expect((await api(stack.url, keys[name]).get("/v1/orgs/hrh/health")).status).toBe(200);
    const app = await api(stack.url, keys["app"]).get("/v1/orgs/hrh/health");
    expect([app.status, app.body.code]).toEqual([403, "SB_ERR_FORBIDDEN"]);
    const other = await api(stack.url, keys["otherViewer"]).get("/v1/orgs/hrh/health");
    expect([other.status, other.body.code]).toEqual([404, "SB_ERR_NOT_FOUND"]);
    expect((await api(stack.url, keys["otherViewer"]).get("/v1/orgs/other/health")).body).toEqual({
      webhooks: [],
      inboundEvents: [],
      natsCredentials: [],
      unavailable: [],
    });
    const missing = await api(stack.url, ADMIN_KEY).get("/v1/orgs/nobody/health");
    expect([missing.status, missing.body.code]).toEqual([404, "SB_ERR_NOT_FOUND"]);
  });
});
