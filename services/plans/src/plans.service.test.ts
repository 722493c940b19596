import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schemaTables } from "@switchboard/db";
import { startTestWorkers, type RunningWorkers } from "@switchboard/runtime";
import {
  createTestDatabase,
  recordMessages,
  startNatsServer,
  waitFor,
  type RecordedMessage,
} from "@switchboard/testing";
import { insertTemplate } from "./plan-template.repository.js";
import { createPlansService } from "./plans.service.js";
import type { PlansDB } from "./plans.tables.js";

describe("the plans service", () => {
  let running: RunningWorkers;
  let recorded: RecordedMessage[];
  const published = () => recorded.map((e) => `${e.subject} ${JSON.stringify(e.data)}`);

  beforeAll(async () => {
    running = await startTestWorkers({
      nats: await startNatsServer(),
      database: await createTestDatabase("sb_plans"),
      factories: [createPlansService],
    });
    const template = { name: "maternity-care", roles: ["midwife"], forms: ["Referral"], workQueues: [] };
    await insertTemplate(schemaTables<PlansDB>(running.context.database.db), "org-a", template);
    recorded = await recordMessages(running.context.nc, "switchboard.events.>");
  });
  afterAll(async () => running?.stop());

  const plans = () => running.context.commands.plans;

  it("creates a plan through its command, once per idempotency key, and publishes planCreated once", async () => {
    const params = { templateName: "maternity-care", userId: "p-1" };
    const plan = await plans().createPlan({ orgId: "org-a", idempotencyKey: "k-1", params });
    expect(plan).toMatchObject({ templateName: "maternity-care", userId: "p-1", isTest: false });
    expect(await plans().createPlan({ orgId: "org-a", idempotencyKey: "k-1", params })).toEqual(plan);
    await waitFor(() => published().some((e) => e.includes(plan.id)), { what: "planCreated published" });
    await new Promise((r) => setTimeout(r, 300));
    const events = published().filter((e) => e.includes(plan.id));
    expect(events).toHaveLength(1);
    expect(events[0]).toContain("planCreated");
  });

  it("answers a plan with its template, and a user's plans, within the org only", async () => {
    const plan = await plans().createPlan({
      orgId: "org-a",
      params: { templateName: "maternity-care", userId: "p-2" },
    });
    expect(await plans().getPlan({ orgId: "org-a", params: { planId: plan.id } })).toMatchObject({
      plan: { id: plan.id },
      template: { name: "maternity-care", forms: ["Referral"] },
    });
    expect(await plans().findPlans({ orgId: "org-a", params: { userId: "p-2" } })).toEqual({
      plans: [plan],
      templates: [expect.objectContaining({ name: "maternity-care", forms: ["Referral"] })],
    });
    await expect(plans().getPlan({ orgId: "org-b", params: { planId: plan.id } })).rejects.toMatchObject({
      code: "SB_ERR_NOT_FOUND",
    });
    expect((await plans().findPlans({ orgId: "org-b", params: { userId: "p-2" } })).plans).toEqual([]);
  });

  it("answers lookups asked for at the same time each with its own plan, template or NOT_FOUND", async () => {
    const other = { name: "home-visits", roles: [], forms: ["Visit"], workQueues: [] };
    await insertTemplate(schemaTables<PlansDB>(running.context.database.db), "org-a", other);
    const made = [];
    for (const [n, templateName] of ["maternity-care", "home-visits", "maternity-care"].entries())
      made.push(
        await plans().createPlan({ orgId: "org-a", params: { templateName, userId: `many-${n % 2}` } }),
      );
    // All sent in the same turn, as the rules engine's actions of one batch are.
    const [gets, finds] = await Promise.all([
      Promise.allSettled([
        ...made.map((p) => plans().getPlan({ orgId: "org-a", params: { planId: p.id } })),
        plans().getPlan({ orgId: "org-b", params: { planId: made[0]!.id } }),
        plans().getPlan({ orgId: "org-a", params: { planId: "00000000-0000-4000-8000-000000000000" } }),
      ]),
      Promise.all([
        plans().findPlans({ orgId: "org-a", params: { userId: "many-0" } }),
        plans().findPlans({ orgId: "org-a", params: { userId: "many-0", templateName: "home-visits" } }),
        plans().findPlans({ orgId: "org-a", params: { userId: "many-1" } }),
        plans().findPlans({ orgId: "org-b", params: { userId: "many-0" } }),
      ]),
    ]);
    expect(gets.slice(0, 3)).toEqual([
      {
        status: "fulfilled",
        value: { plan: made[0], template: expect.objectContaining({ forms: ["Referral"] }) },
      },
      {
        status: "fulfilled",
        value: { plan: made[1], template: expect.objectContaining({ forms: ["Visit"] }) },
      },
      {
        status: "fulfilled",
        value: { plan: made[2], template: expect.objectContaining({ forms: ["Referral"] }) },
      },
    ]);
    for (const missing of gets.slice(3))
      expect(missing).toMatchObject({ status: "rejected", reason: { code: "SB_ERR_NOT_FOUND" } });
    // Newest first, each user's and template's own.
    expect(finds.map((f) => f.plans.map((p) => p.id))).toEqual([
      [made[2]!.id, made[0]!.id],
      [],
      [made[1]!.id],
      [],
    ]);
    // With the templates those plans name, once each, so that forms need not ask getPlan.
    expect(finds.map((f) => f.templates?.map((t) => [t.name, t.forms]))).toEqual([
      [["maternity-care", ["Referral"]]],
      [],
      [["home-visits", ["Visit"]]],
      [],
    ]);
  });

  it("refuses a template that does not exist and a role the template does not have", async () => {
    await expect(
      plans().createPlan({ orgId: "org-a", params: { templateName: "nope", userId: "p-3" } }),
    ).rejects.toMatchObject({ code: "SB_ERR_NOT_FOUND" });
    await expect(
      plans().createPlan({
        orgId: "org-a",
        params: {
          templateName: "maternity-care",
          userId: "p-3",
          roleAssignments: [{ roleId: "surgeon", userId: "u-1" }],
        },
      }),
    ).rejects.toMatchObject({ code: "SB_ERR_VALIDATION" });
  });
});
