import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@switchboard/testing";
import type { Api } from "./support/api.js";
import { loadExample } from "./support/examples.js";
import { natsPublisher } from "./support/nats-publisher.js";
import { setUpOrg } from "./support/org.js";
import { startStack, type TestStack } from "./support/switchboard.js";

const SUBJECT = "switchboard.inbound.hrh.emr.dailyList";
const PATIENTS = 500;

/** One message, many effects: the EMR's list of the day makes one home visit per patient, once. */
describe("rules: forEach over a list in the payload", () => {
  let stack: TestStack;
  let cm: Api;
  let publisher: Awaited<ReturnType<typeof natsPublisher>>;
  let db: pg.Client;
  const planIds: string[] = [];

  beforeAll(async () => {
    stack = await startStack({
      SWITCHBOARD_RULES_BACKOFF_MS: "100,200,400",
      SWITCHBOARD_RULES_MAX_DELIVER: "4",
    });
    cm = (await setUpOrg(stack.url, "hrh", ["content-manager", "app", "viewer"])).app;
    expect(
      (await cm.put("/v1/orgs/hrh/work-queues/home-visits", { statuses: ["open", "done"] })).status,
    ).toBe(201);
    for (let i = 0; i < PATIENTS; i += 25) {
      const batch = await Promise.all(
        Array.from({ length: 25 }, (_, j) =>
          cm.post("/v1/orgs/hrh/plans", { templateName: "care", userId: `patient-${i + j}` }),
        ),
      );
      planIds.push(...batch.map((r) => r.body.id as string));
    }
    const { name, ...definition } = loadExample("emr.dailyList.inbound.json");
    expect((await cm.put(`/v1/orgs/hrh/inbound-events/${name}`, definition)).status).toBe(201);
    const rule = loadExample("daily-list-creates-visits.rule.json");
    expect((await cm.put(`/v1/orgs/hrh/rules/${rule.id}?activate=true`, rule)).status).toBe(201);
    await new Promise((r) => setTimeout(r, 1_000)); // changes reach every engine replica within a second
    publisher = await natsPublisher(stack.nats);
    db = new pg.Client({ connectionString: stack.database.url });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    await db?.end();
    await publisher?.close();
    await stack?.close();
  });

  const list = (listId: string, n: number) => ({
    listId,
    listDate: "12/03/2026",
    patients: planIds.slice(0, n).map((planId, i) => ({ patientId: `patient-${i}`, planId, ward: "north" })),
  });
  const items = async () =>
    (
      await db.query<{ plan_id: string; service_location: string }>(
        "select plan_id, service_location from work_queues.items where queue_name = 'home-visits'",
      )
    ).rows;

  it("a list of 500 patients makes 500 visits, each once, though its message is delivered again halfway", async () => {
    // The 251st insert fails once (a sequence is not rolled back with its transaction): the engine
    // retries the message, and the retry sends all 500 commands again with the same keys.
    await db.query("create sequence public.visit_fault");
    await db.query(`
      create function public.fail_once() returns trigger language plpgsql as $$
      begin
        if (select count(*) from work_queues.items) >= 250 and nextval('public.visit_fault') = 1 then
          raise exception 'injected failure after 250 visits';
        end if;
        return new;
      end $$`);
    await db.query(`create trigger fail_once before insert on work_queues.items
      for each row execute function public.fail_once()`);

    await publisher.publish(SUBJECT, list("list-2026-12-03", PATIENTS), "emr-list-1");
    const runs = await waitFor(
      async () => {
        const r = (await cm.get("/v1/orgs/hrh/rule-runs?ruleId=daily-list-creates-visits")).body.runs;
        return r.length > 0 && r;
      },
      { timeoutMs: 60_000 },
    );
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: "succeeded", messageId: "emr-list-1" });
    expect(runs[0].actions).toHaveLength(PATIENTS);
    expect(runs[0].actions[499]).toMatchObject({
      index: 0,
      type: "createWorkQueueItem",
      element: { index: 499, key: "patient-499" },
      idempotencyKey: expect.stringMatching(/\/daily-list-creates-visits@1\/0\/patient-499$/),
      outcome: "done",
    });
    const fault = await db.query<{ last_value: string }>("select last_value from public.visit_fault");
    expect(Number(fault.rows[0]!.last_value)).toBeGreaterThanOrEqual(2); // it did fail once, then pass

    const made = await items();
    expect(made).toHaveLength(PATIENTS);
    expect(new Set(made.map((m) => m.plan_id))).toEqual(new Set(planIds));
    // A date in the EMR's format comes out in the health workers'.
    expect(new Set(made.map((m) => m.service_location))).toEqual(
      new Set(["home visit on 03/12/2026 (NORTH)"]),
    );

    // The same list again (a new id, the same listId): nothing more.
    await publisher.publish(SUBJECT, list("list-2026-12-03", PATIENTS), "emr-list-1-again");
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await items()).toHaveLength(PATIENTS);
  }, 120_000);

  it("a list longer than the rule's limit does nothing and is dead-lettered with the reason", async () => {
    const rule = loadExample("daily-list-creates-visits.rule.json");
    const refused = await cm.put(`/v1/orgs/hrh/rules/${rule.id}`, {
      ...rule,
      actions: [{ forEach: { ...rule.actions[0].forEach, max: 10 } }],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({
        path: "/actions/0/forEach/max",
        message: expect.stringContaining(
          "the list \"patients\" may hold 1000 elements (its schema's maxItems), more than this forEach's max of 10",
        ),
      }),
    ]);
    // Without maxItems in the schema, the limit holds on each message instead.
    const { name, ...definition } = loadExample("emr.dailyList.inbound.json");
    delete definition.schema.properties.patients.maxItems;
    expect((await cm.put(`/v1/orgs/hrh/inbound-events/${name}`, definition)).status).toBe(200);
    const limited = { ...rule, actions: [{ forEach: { ...rule.actions[0].forEach, max: 10 } }] };
    const saved = await cm.put(`/v1/orgs/hrh/rules/${rule.id}?activate=true`, limited);
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ version: 2, activeVersion: 2 });
    await new Promise((r) => setTimeout(r, 1_000));
    const before = (await items()).length;
    const over = list("list-too-long", 11);
    await publisher.publish(SUBJECT, over, "emr-list-too-long");
    const [dead] = await waitFor(async () => {
      const d = (await cm.get("/v1/orgs/hrh/dead-letters")).body.deadLetters;
      return d.length > 0 && d;
    });
    expect(dead).toMatchObject({ stage: "action-failed" });
    expect(dead.reason).toContain(
      "rule daily-list-creates-visits@2: action 0 (forEach createWorkQueueItem): the list has 11 elements, more than its max of 10; nothing was done for any of them",
    );
    expect((await items()).length).toBe(before);
  }, 60_000);
});
