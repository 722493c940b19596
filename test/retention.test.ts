import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { connect, nanos } from "@nats-io/transport-node";
import { waitFor } from "@switchboard/testing";
import { api, type Api } from "./support/api.js";
import { booking, reminderRule, slotBookedDefinition } from "./support/examples.js";
import { expectProblem } from "./support/problem.js";
import { runEntryPoint, type ServiceProcess } from "./support/process.js";
import { readStream } from "./support/stream-reader.js";
import { ADMIN_KEY, startStack, type TestStack } from "./support/switchboard.js";

const NAME = "scheduling.slotBooked";
const DAY_MS = 86_400_000;
const RULE = "slot-booked-assigns-reminder";

/** An org with its content manager, the slot-booked declaration and an integration key. */
async function setUpOrg(stack: TestStack, orgId: string, options: { rule?: boolean } = {}) {
  const admin = api(stack.url, ADMIN_KEY);
  expect((await admin.post("/v1/orgs", { id: orgId, name: orgId })).status).toBe(201);
  const key = async (roles: string[]) =>
    (await admin.post(`/v1/orgs/${orgId}/api-keys`, { name: roles.join("+"), roles })).body.key as string;
  const cm = api(stack.url, await key(["content-manager", "app", "viewer"]));
  const { name, ...definition } = slotBookedDefinition();
  expect((await cm.put(`/v1/orgs/${orgId}/inbound-events/${name}`, definition)).status).toBe(201);
  if (options.rule) {
    const template = { name: "maternity-care", roles: ["Patient"], forms: ["AppointmentReminder"] };
    expect((await cm.post(`/v1/orgs/${orgId}/plan-templates`, template)).status).toBe(201);
    const plan = { templateName: "maternity-care", userId: "pat-1" };
    expect((await cm.post(`/v1/orgs/${orgId}/plans`, plan)).status).toBe(201);
    expect((await cm.put(`/v1/orgs/${orgId}/rules/${RULE}?activate=true`, reminderRule())).status).toBe(201);
  }
  const integrationKey = await key(["integration"]);
  return { cm, integration: api(stack.url, integrationKey), integrationKey };
}

describe("retention: each store keeps what it holds for a set time", () => {
  let stack: TestStack;
  let db: pg.Client;
  let cm: Api;
  let integration: Api;

  beforeAll(async () => {
    // Sweep often, so that rows made to look old go within the test.
    stack = await startStack({ SWITCHBOARD_RETENTION_SWEEP_MS: "200" });
    db = new pg.Client({ connectionString: stack.database.url });
    await db.connect();
    ({ cm, integration } = await setUpOrg(stack, "hrh", { rule: true }));
    await new Promise((r) => setTimeout(r, 1_000)); // the activation reaches the engine
  });

  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  it("creates the streams with their age limits, refusing new messages when full", async () => {
    const nc = await connect(stack.nats.connectOptions());
    try {
      const jsm = await jetstreamManager(nc);
      const ages = Object.fromEntries(
        await Promise.all(
          ["EVENTS", "INBOUND", "DLQ"].map(async (name) => {
            const { config } = await jsm.streams.info(name);
            expect(config.discard).toBe("new");
            return [name, config.max_age];
          }),
        ),
      );
      expect(ages).toEqual({
        EVENTS: nanos(7 * DAY_MS),
        INBOUND: nanos(7 * DAY_MS),
        DLQ: nanos(30 * DAY_MS),
      });
    } finally {
      await nc.close();
    }
  });

  it("strips a rule run's payload after 7 days, deletes the run after 90, and forgets samples and keys", async () => {
    expect(
      (await integration.post(`/v1/orgs/hrh/inbound/${NAME}`, booking(0), { "idempotency-key": "old-1" }))
        .status,
    ).toBe(202);
    const run = await waitFor(async () => {
      const runs = (await cm.get(`/v1/orgs/hrh/rule-runs?ruleId=${RULE}`)).body.runs;
      return runs.find((r: { messageId: string }) => r.messageId === "old-1");
    });
    expect(run).toMatchObject({ status: "succeeded", input: booking(0), dedupKey: "id:old-1" });
    expect(run.actions[0]).toMatchObject({ type: "assignForm", params: { userId: "pat-1" } });
    expect(run.payloadRemovedAt).toBeUndefined();
    // What the run's action left in forms: its idempotency key, its event in the outbox.
    const keys = await db.query("select key from forms.idempotency_keys");
    expect(keys.rows.length).toBeGreaterThan(0);
    await waitFor(
      async () => (await db.query("select 1 from forms.outbox where published_at is not null")).rowCount! > 0,
    );
    const samples = await db.query("select 1 from rules_engine.inbound_samples where message_id = 'old-1'");
    expect(samples.rowCount).toBe(1);

    // Eight days later: the payload goes, the outline of the run stays.
    await db.query("update rules_engine.rule_runs set created_at = now() - interval '8 days' where id = $1", [
      run.id,
    ]);
    await db.query("update rules_engine.inbound_samples set received_at = now() - interval '8 days'");
    const stripped = await waitFor(async () => {
      const runs = (await cm.get(`/v1/orgs/hrh/rule-runs?ruleId=${RULE}`)).body.runs;
      const found = runs.find((r: { id: number }) => r.id === run.id);
      return found?.payloadRemovedAt !== undefined && found;
    });
    expect(stripped).toMatchObject({ status: "succeeded", messageId: "old-1", input: null, dedupKey: "" });
    expect(stripped.actions).toEqual([{ index: 0, type: "assignForm", outcome: "done" }]);
    expect(JSON.stringify(stripped)).not.toContain("pat-1");
    await waitFor(async () => (await db.query("select 1 from rules_engine.inbound_samples")).rowCount === 0, {
      what: "old samples deleted",
    });

    // Ninety-one days: the run goes.
    await db.query(
      "update rules_engine.rule_runs set created_at = now() - interval '91 days' where id = $1",
      [run.id],
    );
    await waitFor(async () => {
      const runs = (await cm.get(`/v1/orgs/hrh/rule-runs?ruleId=${RULE}`)).body.runs;
      return !runs.some((r: { id: number }) => r.id === run.id);
    });

    // Idempotency keys after 31 days, published outbox rows after one.
    await db.query("update forms.idempotency_keys set created_at = now() - interval '32 days'");
    await db.query(
      "update forms.outbox set published_at = now() - interval '2 days' where published_at is not null",
    );
    await waitFor(async () => (await db.query("select 1 from forms.idempotency_keys")).rowCount === 0, {
      what: "old idempotency keys deleted",
    });
    await waitFor(async () => (await db.query("select 1 from forms.outbox")).rowCount === 0, {
      what: "old outbox rows deleted",
    });
  });
});

describe("byte quota: an org that used up its bytes for the day gets 429s, the others go on", () => {
  const QUOTA = 6_000;
  let stack: TestStack;
  let second: ServiceProcess;
  let secondUrl: string;
  let hrh: Api;
  let nhs: Api;
  let hrhKey: string;
  let nhsKey: string;

  beforeAll(async () => {
    stack = await startStack({ SWITCHBOARD_ORG_BYTES_PER_DAY: String(QUOTA) });
    ({ integration: hrh, integrationKey: hrhKey } = await setUpOrg(stack, "hrh"));
    ({ integration: nhs, integrationKey: nhsKey } = await setUpOrg(stack, "nhs"));
    // A second ingress replica on the same NATS: the count is shared.
    second = runEntryPoint("services/ingress/src/main.ts", {
      ...(await stack.nats.auth!.processEnv(["ingress"])),
      SWITCHBOARD_SECRETS_KEYRING: "k1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
      SWITCHBOARD_ORG_BYTES_PER_DAY: String(QUOTA),
      NATS_URL: stack.nats.url,
      DATABASE_URL: stack.database.url,
      PORT: "0",
      HOST: "127.0.0.1",
    });
    secondUrl = (await second.waitForOutput(/ingress is running: HTTP (http:\/\/[^\s,]+)/, 90_000))[1]!;
  });

  afterAll(async () => {
    await second?.stop();
    await stack?.close();
  });

  it("refuses the org's events once its quota is used, stores none of them, and serves other orgs", async () => {
    const path = (org: string) => `/v1/orgs/${org}/inbound/${NAME}`;
    let accepted = 0;
    let refused: Awaited<ReturnType<Api["post"]>> | undefined;
    for (let i = 0; i < 100 && refused === undefined; i++) {
      const res = await hrh.post(path("hrh"), booking(i), { "idempotency-key": `q-${i}` });
      if (res.status === 202) accepted++;
      else refused = res;
    }
    // Each event takes a few hundred bytes with its headers: some fit, then the day's bytes are used.
    expect(accepted).toBeGreaterThan(3);
    expect(accepted).toBeLessThan(30);
    expectProblem(refused!, 429, "SB_ERR_QUOTA_EXCEEDED", `of its ${QUOTA} bytes per day`);
    const retryAfter = Number(refused!.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    const stored = (await readStream(stack.nats, "INBOUND")).filter((m) => m.subject.includes(".hrh."));
    expect(stored).toHaveLength(accepted);

    // Another org is not held back, on either replica.
    expect((await nhs.post(path("nhs"), booking(0))).status).toBe(202);
    // The other replica knows what the first took, once the first added it to the shared count
    // (every second): until then each replica decides from its own count.
    const used = Number(/has put (\d+) of/.exec((refused!.body as { detail: string }).detail)![1]);
    const nc = await connect(stack.nats.connectOptions());
    try {
      const usage = await new Kvm(nc).open("USAGE");
      const key = `hrh.${new Date().toISOString().slice(0, 10)}`;
      await waitFor(async () => Number((await usage.get(key))?.string()) === used, {
        what: "the first replica's count in the shared bucket",
      });
    } finally {
      await nc.close();
    }
    const viaSecond = api(secondUrl, hrhKey);
    expectProblem(await viaSecond.post(path("hrh"), booking(500)), 429, "SB_ERR_QUOTA_EXCEEDED");
    expect((await api(secondUrl, nhsKey).post(path("nhs"), booking(1))).status).toBe(202);
  });
});
