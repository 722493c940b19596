import pg from "pg";
import {
  startNatsServer,
  startPostgresServer,
  waitFor,
  type NatsServer,
  type PostgresServer,
} from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Api } from "./support/api.js";
import { booking, reminderRule, slotBookedDefinition } from "./support/examples.js";
import { natsPublisher } from "./support/nats-publisher.js";
import { runEntryPoint, type ServiceProcess } from "./support/process.js";
import { streamCount } from "./support/stream-reader.js";
import { ADMIN_KEY } from "./support/switchboard.js";

const SUBJECT = "switchboard.inbound.hrh.scheduling.slotBooked";
const DOMAIN = ["tenancy", "plans", "forms", "dead-letters"];

/**
 * A message dead-lettered while PostgreSQL was away cannot free its dedup claims on the way out:
 * they stay `processing`. Retrying the dead letter once PostgreSQL is back must still run it, once.
 */
describe("dedup claims of a message that left the engine while PostgreSQL was away", () => {
  let nats: NatsServer;
  let postgres: PostgresServer;
  let domain: ServiceProcess | undefined;
  let engine: ServiceProcess;
  let app: Api;
  let domainUrl = "";

  const env = () => ({
    NATS_URL: nats.url,
    DATABASE_URL: postgres.url,
    PORT: "0",
    HOST: "127.0.0.1",
    SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
    // The third delivery, the last before the engine gives up and frees the claims, comes 5 s after
    // the second, so PostgreSQL is surely stopped by then rather than within 600 ms of the claim.
    SWITCHBOARD_RULES_BACKOFF_MS: "300,5000",
    SWITCHBOARD_RULES_MAX_DELIVER: "3",
  });
  const startDomain = async () => {
    domain = runEntryPoint("services/switchboard/src/main.ts", {
      ...env(),
      ...(await nats.auth!.processEnv(DOMAIN)),
      SWITCHBOARD_SERVICES: DOMAIN.join(","),
      ...(domainUrl === "" ? {} : { PORT: new URL(domainUrl).port }),
    });
    domainUrl = (await domain.waitForOutput(/HTTP\s+(http:\/\/\S+)/, 90_000))[1]!;
  };
  const query = async (sql: string): Promise<number> => {
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      return Number((await client.query(sql)).rows[0].n);
    } finally {
      await client.end();
    }
  };
  const reminders = () =>
    query("select count(*) as n from forms.form_assignments where form_name = 'AppointmentReminder'");

  beforeAll(async () => {
    nats = await startNatsServer({ auth: true });
    postgres = await startPostgresServer();
    await startDomain();
    engine = runEntryPoint("services/switchboard/src/main.ts", {
      ...env(),
      ...(await nats.auth!.processEnv(["rules-engine"])),
      SWITCHBOARD_SERVICES: "rules-engine",
    });
    const engineUrl = (await engine.waitForOutput(/HTTP\s+(http:\/\/\S+)/, 90_000))[1]!;
    const admin = api(domainUrl, ADMIN_KEY);
    expect((await admin.post("/v1/orgs", { id: "hrh", name: "HRH" })).status).toBe(201);
    const key = (
      await admin.post("/v1/orgs/hrh/api-keys", {
        name: "cm",
        roles: ["content-manager", "app", "integration"],
      })
    ).body.key;
    app = api(domainUrl, key);
    const template = { name: "maternity-care", roles: [], forms: ["AppointmentReminder"] };
    expect((await app.post("/v1/orgs/hrh/plan-templates", template)).status).toBe(201);
    expect(
      (await app.post("/v1/orgs/hrh/plans", { templateName: "maternity-care", userId: "pat-1" })).status,
    ).toBe(201);
    const rules = api(engineUrl, key);
    const { name, ...definition } = slotBookedDefinition();
    expect((await rules.put(`/v1/orgs/hrh/inbound-events/${name}`, definition)).status).toBe(201);
    const rule = await rules.put(
      "/v1/orgs/hrh/rules/slot-booked-assigns-reminder?activate=true",
      reminderRule(),
    );
    expect(rule.status).toBe(201);
    await new Promise((r) => setTimeout(r, 1_000)); // the activation reaches the engine
  }, 300_000);

  afterAll(async () => {
    await Promise.all([domain?.stop(), engine?.stop()]);
    await postgres?.close();
    await nats?.close();
  });

  it("a retry from the dead-letter desk runs the message once, and so does the same data later", async () => {
    // The forms service is away, so the claimed message keeps failing its action...
    await domain!.stop();
    domain = undefined;
    const publisher = await natsPublisher(nats);
    await publisher.publish(SUBJECT, booking(1), "stuck-1");
    // (A count of 0 is a value to waitFor: the check must say "not yet" as false.)
    await waitFor(
      async () =>
        (await query("select count(*) as n from rules_engine.dedup_claims where status = 'processing'")) > 0,
      {
        timeoutMs: 30_000,
        what: "the message's claims",
      },
    );
    // ...and PostgreSQL goes away before it runs out of deliveries: the claims cannot be freed.
    await postgres.stop();
    await waitFor(async () => (await streamCount(nats, "DLQ")) === 1, {
      timeoutMs: 60_000,
      what: "the message to be dead-lettered",
    });
    await postgres.restart();
    await startDomain();
    expect(
      await query("select count(*) as n from rules_engine.dedup_claims where status = 'processing'"),
    ).toBeGreaterThan(0);

    const desk = api(
      domainUrl,
      (
        await api(domainUrl, ADMIN_KEY).post("/v1/orgs/hrh/api-keys", {
          name: "desk",
          roles: ["integration"],
        })
      ).body.key,
    );
    const listed = await waitFor(async () => {
      const res = await desk.get("/v1/orgs/hrh/dead-letters");
      return res.status === 200 && res.body.deadLetters.length === 1 && res.body.deadLetters[0];
    });
    expect((await desk.post(`/v1/orgs/hrh/dead-letters/${listed.id}/retry`)).status).toBeLessThan(300);
    await waitFor(async () => (await reminders()) === 1, {
      timeoutMs: 60_000,
      what: "the retried message's effect",
    });

    // The same data under a new id is a duplicate of it now, and nothing stays claimed.
    await publisher.publish(SUBJECT, booking(1), "stuck-1-again");
    await waitFor(
      async () =>
        (await query("select count(*) as n from rules_engine.dedup_claims where status = 'processing'")) ===
        0,
      { what: "no claim left processing" },
    );
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await reminders()).toBe(1);
    expect(await query("select count(*) as n from rules_engine.rule_runs")).toBe(1);
    await publisher.close();
  }, 300_000);
});
