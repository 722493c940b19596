import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  startNatsServer,
  waitFor,
  type NatsServer,
  type TestDatabase,
} from "@switchboard/testing";
import { api } from "./support/api.js";
import { loadExample, slotBookedDefinition } from "./support/examples.js";
import { natsPublisher } from "./support/nats-publisher.js";
import { runEntryPoint, type ServiceProcess } from "./support/process.js";
import { ADMIN_KEY } from "./support/switchboard.js";

const SUBJECT = "switchboard.inbound.hrh.scheduling.slotBooked";
const RULE = "slot-reminder-day-before";
const TOTAL = 600;

/**
 * The engine in its own process, killed (SIGKILL) while hundreds of timers are due and being fired,
 * then started again: every timer fires, and each one's action happens once.
 */
describe("rule timers under kill -9: none lost, none fired twice", () => {
  let nats: NatsServer;
  let database: TestDatabase;
  let domain: ServiceProcess;
  let engine: ServiceProcess;
  let db: pg.Client;
  const env = () => ({
    NATS_URL: nats.url,
    DATABASE_URL: database.url,
    PORT: "0",
    HOST: "127.0.0.1",
    SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
    SWITCHBOARD_RULES_BACKOFF_MS: "100,200,400,800,1000",
    SWITCHBOARD_RULES_MAX_DELIVER: "100",
  });
  const start = async (services: string[]) => {
    const proc = runEntryPoint("services/switchboard/src/main.ts", {
      ...env(),
      ...(await nats.auth!.processEnv(services)),
      SWITCHBOARD_SERVICES: services.join(","),
    });
    return { proc, url: (await proc.waitForOutput(/HTTP\s+(http:\/\/\S+)/, 90_000))[1]! };
  };
  const startEngine = async () => {
    const started = await start(["rules-engine"]);
    engine = started.proc;
    return started.url;
  };
  const count = async (query: string) => Number((await db.query(query)).rows[0].n);
  const reminders = () =>
    count("select count(*) as n from forms.form_assignments where form_name = 'DayBeforeReminder'");
  const timersIn = (state: string) =>
    count(`select count(*) as n from rules_engine.rule_timers where state = '${state}'`);

  beforeAll(async () => {
    nats = await startNatsServer({ auth: true });
    database = await createTestDatabase();
    const [domainStarted, engineUrl] = await Promise.all([
      start(["tenancy", "plans", "forms", "work-queues"]),
      startEngine(),
    ]);
    domain = domainStarted.proc;
    const admin = api(domainStarted.url, ADMIN_KEY);
    expect((await admin.post("/v1/orgs", { id: "hrh", name: "HRH" })).status).toBe(201);
    const key = (await admin.post("/v1/orgs/hrh/api-keys", { name: "cm", roles: ["content-manager", "app"] }))
      .body.key;
    const app = api(domainStarted.url, key);
    const template = { name: "maternity-care", roles: [], forms: ["DayBeforeReminder"] };
    expect((await app.post("/v1/orgs/hrh/plan-templates", template)).status).toBe(201);
    expect(
      (await app.post("/v1/orgs/hrh/plans", { templateName: "maternity-care", userId: "pat-1" })).status,
    ).toBe(201);
    const rules = api(engineUrl, key);
    const { name, ...definition } = slotBookedDefinition();
    expect((await rules.put(`/v1/orgs/hrh/inbound-events/${name}`, definition)).status).toBe(201);
    expect(
      (await rules.put(`/v1/orgs/hrh/rules/${RULE}?activate=true`, loadExample(`${RULE}.rule.json`))).status,
    ).toBe(201);
    await new Promise((r) => setTimeout(r, 1_000));
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await Promise.all([domain?.stop(), engine?.stop()]);
    await database?.drop();
    await nats?.close();
  });

  it("killing the engine while it fires due timers, then restarting it, fires each timer's action once", async () => {
    // Slots a little over a day ahead of the timer store's clock: each reminder due an hour from now.
    const now = (await db.query("select rules_engine.timer_now() as now")).rows[0].now as Date;
    const publisher = await natsPublisher(nats);
    for (let n = 0; n < TOTAL; n++) {
      const slotStart = new Date(now.getTime() + 25 * 3_600_000 + n * 1_000).toISOString();
      const slot = { start: slotStart, end: slotStart };
      await publisher.publish(
        SUBJECT,
        { bookingId: `bk-${n}`, status: "booked", patientId: "pat-1", slot },
        `b-${n}`,
      );
    }
    await publisher.close();
    await waitFor(async () => (await timersIn("pending")) === TOTAL, {
      timeoutMs: 120_000,
      what: `${TOTAL} pending timers`,
    });
    expect(await reminders()).toBe(0);

    // Every timer due at once; kill the engine once it is firing them.
    await db.query("select rules_engine.advance_timer_clock('2 hours')");
    // Best when a batch has acted and not yet committed: its timers must fire again, idempotently.
    await waitFor(async () => (await reminders()) - (await timersIn("fired")) >= 10, {
      timeoutMs: 60_000,
      what: "timers firing",
    });
    await engine.stop("SIGKILL");
    const atKill = await reminders();
    expect(atKill).toBeLessThan(TOTAL);
    // Reminders assigned by a batch whose transaction died with the engine (acted, not yet recorded).
    const unrecorded = atKill - (await timersIn("fired"));
    console.info(
      `killed with ${atKill} reminders assigned, ${unrecorded} of them by timers not yet marked fired`,
    );

    await startEngine();
    await waitFor(async () => (await timersIn("fired")) === TOTAL, {
      timeoutMs: 120_000,
      what: `${TOTAL} fired timers`,
    });
    await new Promise((r) => setTimeout(r, 2_000)); // time for a second firing to show, were there one
    expect(await reminders()).toBe(TOTAL);
    expect(
      await count(
        "select count(distinct prefill->>'appointmentTime') as n from forms.form_assignments where form_name = 'DayBeforeReminder'",
      ),
    ).toBe(TOTAL);
    expect(await timersIn("pending")).toBe(0);
    const firings = await db.query(
      "select count(*) as n, count(distinct dedup_key) as timers from rules_engine.rule_runs where dedup_key like 'timer:%' and status = 'succeeded'",
    );
    expect(firings.rows[0]).toEqual({ n: String(TOTAL), timers: String(TOTAL) });
  }, 300_000);
});
