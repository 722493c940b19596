import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  startNatsServer,
  waitFor,
  type NatsServer,
  type TestDatabase,
} from "@switchboard/testing";
import { api } from "./support/api.js";
import { runEntryPoint, type ServiceProcess } from "./support/process.js";
import { readStream } from "./support/stream-reader.js";
import { ADMIN_KEY } from "./support/switchboard.js";

/**
 * One process per service (two replicas of plans), sharing one NATS server and one database; no
 * webhook bridge.
 */
describe("distributed: each service in its own process", () => {
  let nats: NatsServer;
  let database: TestDatabase;
  const procs: Record<string, ServiceProcess> = {};
  const urls: Record<string, string> = {};

  beforeAll(async () => {
    nats = await startNatsServer({ auth: true });
    database = await createTestDatabase();
    const env = {
      NATS_URL: nats.url,
      DATABASE_URL: database.url,
      PORT: "0",
      HOST: "127.0.0.1",
      SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
    };
    const entries: Record<string, string> = {
      tenancy: "services/tenancy/src/main.ts",
      plansA: "services/plans/src/main.ts",
      plansB: "services/plans/src/main.ts",
      forms: "services/forms/src/main.ts",
      workQueues: "services/work-queues/src/main.ts",
      rulesEngine: "services/rules-engine/src/main.ts",
    };
    for (const [name, entry] of Object.entries(entries)) {
      const service = entry.split("/")[1]!;
      procs[name] = runEntryPoint(entry, { ...env, ...(await nats.auth!.processEnv([service])) });
    }
    for (const [name, proc] of Object.entries(procs))
      urls[name] = (await proc.waitForOutput(/is running: HTTP (\S+),/, 90_000))[1]!;
  });

  afterAll(async () => {
    await Promise.all(Object.values(procs).map((p) => p.stop()));
    await database?.drop();
    await nats?.close();
  });

  it("serves each service's API from its own process and publishes every event once", async () => {
    const admin = api(urls.tenancy!, ADMIN_KEY);
    expect((await admin.post("/v1/orgs", { id: "north", name: "North" })).status).toBe(201);
    const key = (
      await admin.post("/v1/orgs/north/api-keys", { name: "app", roles: ["app", "content-manager"] })
    ).body.key as string;

    // Keys are checked over NATS by the tenancy process; templates and plans live in the plans processes.
    const plansA = api(urls.plansA!, key);
    const plansB = api(urls.plansB!, key);
    expect(
      (await plansA.post("/v1/orgs/north/plan-templates", { name: "care", roles: [], forms: ["Intake"] }))
        .status,
    ).toBe(201);
    const plans = [];
    for (let i = 0; i < 10; i++)
      plans.push(
        await (i % 2 ? plansA : plansB).post("/v1/orgs/north/plans", {
          templateName: "care",
          userId: `u${i}`,
        }),
      );
    expect(plans.map((p) => p.status)).toEqual(Array(10).fill(201));

    // forms asks plans for the plan over NATS; work-queues too.
    const forms = api(urls.forms!, key);
    const assigned = await forms.post(`/v1/orgs/north/plans/${plans[0]!.body.id}/form-assignments`, {
      formName: "Intake",
      userId: "u0",
    });
    expect(assigned.status).toBe(201);
    const wq = api(urls.workQueues!, key);
    expect((await wq.put("/v1/orgs/north/work-queues/triage", { statuses: ["new", "seen"] })).status).toBe(
      201,
    );
    const item = await wq.post("/v1/orgs/north/work-queues/triage/items", {
      planId: plans[1]!.body.id,
      priority: 2,
    });
    expect(item.status).toBe(201);
    expect(
      (await wq.patch(`/v1/orgs/north/work-queue-items/${item.body.id}`, { status: "seen" })).status,
    ).toBe(200);

    // Another process's routes are not served here.
    expect((await forms.post("/v1/orgs/north/plans", { templateName: "care", userId: "x" })).status).toBe(
      404,
    );

    const expected = 10 + 1 + 2;
    const events = await waitFor(
      async () => {
        const all = await readStream(nats, "EVENTS");
        return all.length >= expected && all;
      },
      { timeoutMs: 30_000, what: `${expected} events` },
    );
    expect(events).toHaveLength(expected);
    expect(new Set(events.map((e) => e.msgId)).size).toBe(expected);
    const types = events.map((e) => e.subject.split(".").pop()).sort();
    expect(types).toEqual(
      [
        ...Array(10).fill("planCreated"),
        "formAssigned",
        "workQueueItemCreated",
        "workQueueItemStatusUpdated",
      ].sort(),
    );
  });

  it("answers an org's health from the services' commands over NATS, naming the part nobody answers", async () => {
    const admin = api(urls.tenancy!, ADMIN_KEY);
    expect((await admin.post("/v1/orgs", { id: "south", name: "South" })).status).toBe(201);
    const key = (await admin.post("/v1/orgs/south/api-keys", { name: "cm", roles: ["content-manager"] })).body
      .key as string;
    const schema = { type: "object" };
    const declared = await api(urls.rulesEngine!, key).put("/v1/orgs/south/inbound-events/lab.result", {
      description: "a result",
      schema,
    });
    expect(declared.status).toBe(201);
    const health = await api(urls.tenancy!, key).get("/v1/orgs/south/health");
    expect(health.status).toBe(200);
    expect(health.body).toEqual({
      webhooks: [],
      inboundEvents: [expect.objectContaining({ name: "lab.result", attempts24h: 0, backlog: 0 })],
      natsCredentials: [],
      unavailable: ["webhooks"],
    });
  });
});
