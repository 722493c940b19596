import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  startNatsServer,
  waitFor,
  type NatsServer,
  type TestDatabase,
} from "@switchboard/testing";
import { api, type Api } from "./support/api.js";
import { booking, reminderRule, slotBookedDefinition } from "./support/examples.js";
import { natsPublisher } from "./support/nats-publisher.js";
import { readStream } from "./support/stream-reader.js";
import { runEntryPoint, type ServiceProcess } from "./support/process.js";
import { ADMIN_KEY } from "./support/switchboard.js";

const SUBJECT = "switchboard.inbound.hrh.scheduling.slotBooked";

/** The engine and the domain services in separate processes, killed and restarted under load. */
describe("rules engine under faults: effects happen once", () => {
  let nats: NatsServer;
  let database: TestDatabase;
  let domain: ServiceProcess;
  let engine: ServiceProcess;
  let app: Api;
  /** The org's key, and where the engine answers now (its port changes when it restarts). */
  let key: string;
  let engineUrl: string;
  let db: pg.Client;
  let publisher: Awaited<ReturnType<typeof natsPublisher>>;
  const env = () => ({
    NATS_URL: nats.url,
    DATABASE_URL: database.url,
    PORT: "0",
    HOST: "127.0.0.1",
    SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
    SWITCHBOARD_RULES_BACKOFF_MS: "100,200,400,800,1000",
    SWITCHBOARD_RULES_MAX_DELIVER: "100",
    SWITCHBOARD_RULES_CONCURRENCY: "8",
  });
  const startDomain = async () => {
    domain = runEntryPoint("services/switchboard/src/main.ts", {
      ...env(),
      ...(await nats.auth!.processEnv(["tenancy", "plans", "forms", "work-queues"])),
      SWITCHBOARD_SERVICES: "tenancy,plans,forms,work-queues",
    });
    return (await domain.waitForOutput(/HTTP\s+(http:\/\/\S+)/, 90_000))[1]!;
  };
  const startEngine = async () => {
    engine = runEntryPoint("services/switchboard/src/main.ts", {
      ...env(),
      ...(await nats.auth!.processEnv(["rules-engine"])),
      SWITCHBOARD_SERVICES: "rules-engine",
    });
    engineUrl = (await engine.waitForOutput(/HTTP\s+(http:\/\/\S+)/, 90_000))[1]!;
    return engineUrl;
  };
  const count = async (sql: string) => Number((await db.query(sql)).rows[0].n);
  const reminders = () =>
    count("select count(*) as n from forms.form_assignments where form_name = 'AppointmentReminder'");
  const distinctTimes = () =>
    count("select count(distinct prefill->>'appointmentTime') as n from forms.form_assignments");

  beforeAll(async () => {
    nats = await startNatsServer({ auth: true });
    database = await createTestDatabase();
    const [domainUrl, engineUrl] = await Promise.all([startDomain(), startEngine()]);
    const admin = api(domainUrl, ADMIN_KEY);
    expect((await admin.post("/v1/orgs", { id: "hrh", name: "HRH" })).status).toBe(201);
    key = (await admin.post("/v1/orgs/hrh/api-keys", { name: "cm", roles: ["content-manager", "app"] })).body
      .key;
    app = api(domainUrl, key);
    expect(
      (
        await app.post("/v1/orgs/hrh/plan-templates", {
          name: "maternity-care",
          roles: [],
          forms: ["AppointmentReminder"],
        })
      ).status,
    ).toBe(201);
    expect(
      (await app.post("/v1/orgs/hrh/plans", { templateName: "maternity-care", userId: "pat-1" })).status,
    ).toBe(201);
    const rules = api(engineUrl, key);
    const { name, ...definition } = slotBookedDefinition();
    expect((await rules.put(`/v1/orgs/hrh/inbound-events/${name}`, definition)).status).toBe(201);
    expect(
      (await rules.put("/v1/orgs/hrh/rules/slot-booked-assigns-reminder?activate=true", reminderRule()))
        .status,
    ).toBe(201);
    await new Promise((r) => setTimeout(r, 1_000));
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    publisher = await natsPublisher(nats);
  });

  afterAll(async () => {
    await publisher?.close();
    await db?.end();
    await Promise.all([domain?.stop(), engine?.stop()]);
    await database?.drop();
    await nats?.close();
  });

  it("killing the engine mid-flow (between actions and acks) and restarting it causes no second effect", async () => {
    const total = 200;
    for (let n = 0; n < total; n++) await publisher.publish(SUBJECT, booking(n), `slot-${n}`);
    await waitFor(async () => (await reminders()) >= 30, {
      timeoutMs: 60_000,
      what: "the engine to be mid-flow",
    });
    await engine.stop("SIGKILL");
    const atKill = await reminders();
    expect(atKill).toBeLessThan(total);

    await startEngine();
    // Messages the killed engine had acted on but not acked come back after their ack wait; each must
    // be recorded once more as a run, with its action replayed by its idempotency key, not repeated.
    const runs = () => count("select count(*) as n from rules_engine.rule_runs");
    const open = () => count("select count(*) as n from rules_engine.dedup_claims where status <> 'done'");
    await waitFor(async () => (await runs()) >= total && (await open()) === 0, {
      timeoutMs: 120_000,
      what: `${total} rule runs and no claim left open`,
    });
    await new Promise((r) => setTimeout(r, 2_000)); // time for a late duplicate to show
    expect(await reminders()).toBe(total);
    expect(await distinctTimes()).toBe(total);
    expect(await runs()).toBe(total);
    expect(await open()).toBe(0);
  }, 300_000);

  it("with the domain services down, messages wait and then succeed, and a copy waiting behind one runs none", async () => {
    const before = await reminders();
    await domain.stop("SIGTERM");
    for (let n = 1000; n < 1005; n++) await publisher.publish(SUBJECT, booking(n), `slot-${n}`);
    // The same data under another id: it waits for the first copy's claim, then is skipped.
    await publisher.publish(SUBJECT, booking(1000), "slot-1000-resent");
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await reminders()).toBe(before); // nothing could happen while forms was down
    expect(
      await count("select count(*) as n from rules_engine.dedup_claims where status = 'processing'"),
    ).toBeGreaterThan(0);

    await startDomain();
    await waitFor(async () => (await reminders()) === before + 5, {
      timeoutMs: 60_000,
      what: "the waiting messages to succeed",
    });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await reminders()).toBe(before + 5);
    await waitFor(
      async () =>
        (await count("select count(*) as n from rules_engine.dedup_claims where status = 'processing'")) ===
        0,
      { timeoutMs: 60_000, what: "every claim done" },
    );
    expect(await reminders()).toBe(before + 5);
    const dead = await readStream(nats, "DLQ");
    expect(dead.map((m) => `${m.subject}: ${JSON.stringify(m.headers)}`)).toEqual([]);
  }, 240_000);

  it("killing the engine while emit-only batches are written as one statement leaves each message one run and one event", async () => {
    // A rule that only emits: its batches of first deliveries are claimed, recorded and enqueued
    // in one statement, and the events handed to the relay after it.
    const rules = api(engineUrl, key);
    const { name: _slotBooked, ...definition } = slotBookedDefinition();
    expect((await rules.put("/v1/orgs/hrh/inbound-events/scheduling.slotNoted", definition)).status).toBe(
      201,
    );
    const rule = {
      id: "slot-noted-emits",
      enabled: true,
      on: { inbound: "scheduling.slotNoted" },
      when: { "==": [{ var: "status" }, "booked"] },
      actions: [{ emit: { eventType: "slotNoted", info: { bookingId: { var: "bookingId" } } } }],
    };
    expect((await rules.put("/v1/orgs/hrh/rules/slot-noted-emits?activate=true", rule)).status).toBe(201);
    await new Promise((r) => setTimeout(r, 1_000));

    const total = 2_000;
    const runs = () =>
      count("select count(*) as n from rules_engine.rule_runs where trigger_name = 'scheduling.slotNoted'");
    const events = (published = false) =>
      count(
        `select count(*) as n from rules_engine.outbox where subject like '%.slotNoted'${published ? " and published_at is not null" : ""}`,
      );
    // Every tenth booking again under a new id, as a third party resending it: its first delivery
    // meets a taken key (the same data) and must be a duplicate, run once in all.
    for (let n = 0; n < total; n++) {
      const subject = "switchboard.inbound.hrh.scheduling.slotNoted";
      await publisher.publish(subject, booking(5_000 + n), `noted-${n}`);
      if (n % 10 === 9) await publisher.publish(subject, booking(5_000 + n - 5), `noted-${n - 5}-again`);
    }
    await waitFor(async () => (await runs()) >= 300, {
      timeoutMs: 60_000,
      what: "the engine to be mid-flow",
    });
    await engine.stop("SIGKILL");
    expect(await runs()).toBeLessThan(total);

    await startEngine();
    // Batches the killed engine wrote but did not ack come back as redeliveries: duplicates now.
    // Events it wrote but did not hand over are published by a relay once their lease ends.
    const open = () => count("select count(*) as n from rules_engine.dedup_claims where status <> 'done'");
    await waitFor(
      async () => (await runs()) >= total && (await open()) === 0 && (await events(true)) >= total,
      {
        timeoutMs: 120_000,
        what: `${total} runs, their events published, no claim left open`,
      },
    );
    await new Promise((r) => setTimeout(r, 2_000)); // time for a late duplicate to show
    expect(await runs()).toBe(total);
    expect(
      await count(
        "select count(distinct message_id) as n from rules_engine.rule_runs where trigger_name = 'scheduling.slotNoted'",
      ),
    ).toBe(total);
    expect(await open()).toBe(0);
    expect(await events()).toBe(total);
    expect(await events(true)).toBe(total);
    const stored = (await readStream(nats, "EVENTS")).filter((m) => m.subject.endsWith(".slotNoted"));
    expect(stored).toHaveLength(total);
    expect(new Set(stored.map((m) => m.data.info.bookingId)).size).toBe(total);
  }, 300_000);
});
