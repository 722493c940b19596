import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRulesStack, type RulesStack } from "../test/support/rules-stack.js";
import type { Api } from "../test/support/api.js";
import { expectProblem } from "../test/support/problem.js";
import {
  bookedPayload,
  openSlotDefinition,
  reminderRule,
  slotDefinition,
  typoRule,
  SLOT_BOOKED,
  SLOT_OFFERED,
  TYPO_WARNING,
} from "../test/support/fixtures.js";
import { insertSample } from "./inbound-sample.repository.js";

const DRY_RUN = "/v1/orgs/org-a/rules/dry-run";

const expectedAction = {
  index: 0,
  type: "assignForm",
  target: { kind: "command", service: "forms", command: "assignForm" },
  params: {
    formName: "AppointmentReminder",
    userId: "p-1",
    plan: { templateName: "maternity-care" },
    prefill: { appointmentTime: "2026-11-21T10:00:00Z" },
  },
};

/** Row counts of every table a run could write, to show a dry run writes none. */
async function counts(stack: RulesStack): Promise<Record<string, number>> {
  const tables = [
    "rule_runs",
    "dedup_claims",
    "inbound_samples",
    "outbox",
    "rule_versions",
    "rules",
    "inbound_definitions",
  ];
  const out: Record<string, number> = {};
  for (const table of tables) {
    const row = await sql<{
      n: number;
    }>`select count(*)::int as n from ${sql.table(`rules_engine.${table}`)}`.execute(stack.db);
    out[table] = row.rows[0]!.n;
  }
  return out;
}

describe("dry run", () => {
  let stack: RulesStack;
  let cm: Api;

  beforeAll(async () => {
    stack = await startRulesStack();
    cm = stack.client("cmA");
    expect((await cm.put(`/v1/orgs/org-a/inbound-events/${SLOT_BOOKED}`, slotDefinition)).status).toBe(201);
  });
  afterAll(async () => stack?.close());

  it("says what a draft would do with a payload: valid, matched, the resolved actions", async () => {
    const res = await cm.post(DRY_RUN, { rule: reminderRule(), payload: bookedPayload });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ruleId: "slot-booked-assigns-reminder",
      trigger: { kind: "inbound", name: SLOT_BOOKED },
      warnings: [],
    });
    expect(res.body.results).toEqual([{ valid: true, matched: true, actions: [expectedAction] }]);
  });

  it("evaluates now at the message's time: receivedAt, or a recent message's own", async () => {
    const soon = reminderRule({
      id: "slot-soon",
      when: { "<": [{ date_diff: [{ now: [] }, { var: "slot.start" }, "hours"] }, 48] },
    });
    const at = (time: string) => cm.post(DRY_RUN, { rule: soon, payload: bookedPayload, receivedAt: time });
    const dayBefore = new Date(Date.parse(bookedPayload.slot.start) - 86_400_000).toISOString();
    const weekBefore = new Date(Date.parse(bookedPayload.slot.start) - 7 * 86_400_000).toISOString();
    expect((await at(dayBefore)).body.results).toEqual([
      { valid: true, matched: true, actions: [expectedAction] },
    ]);
    expect((await at(weekBefore)).body.results).toEqual([{ valid: true, matched: false, actions: [] }]);
    await insertSample(stack.db, "org-a", {
      name: SLOT_BOOKED,
      messageId: "m-soon",
      payload: bookedPayload,
      valid: true,
      receivedAt: new Date(dayBefore),
    });
    expect((await cm.put("/v1/orgs/org-a/rules/slot-soon", soon)).status).toBe(201);
    const recent = await cm.post(DRY_RUN, { ruleId: "slot-soon", recent: 1 });
    expect(recent.body.results).toEqual([
      { messageId: "m-soon", valid: true, matched: true, actions: [expectedAction] },
    ]);
  });

  it("says what a save would warn of, for a draft and for a saved version", async () => {
    expect((await cm.put(`/v1/orgs/org-a/inbound-events/${SLOT_OFFERED}`, openSlotDefinition)).status).toBe(
      201,
    );
    const payload = { patientId: "p-1", slot: { start: "2026-11-21T10:00:00Z", strat: "typo" } };
    const draft = await cm.post(DRY_RUN, { rule: typoRule(), payload });
    expect(draft.status).toBe(200);
    expect(draft.body).toMatchObject({ ruleId: "slot-offered-typo", warnings: [TYPO_WARNING] });
    expect(draft.body.results).toEqual([
      { valid: true, matched: true, actions: [{ ...expectedAction, params: expect.any(Object) }] },
    ]);
    expect((await cm.put("/v1/orgs/org-a/rules/slot-offered-typo", typoRule())).status).toBe(201);
    const saved = await cm.post(DRY_RUN, { ruleId: "slot-offered-typo", payload });
    expect(saved.body).toMatchObject({ version: 1, warnings: [TYPO_WARNING] });
  });

  it("reports a payload that does not match, and one that breaks the schema", async () => {
    const cancelled = await cm.post(DRY_RUN, {
      rule: reminderRule(),
      payload: { ...bookedPayload, status: "cancelled" },
    });
    expect(cancelled.body.results).toEqual([
      expect.objectContaining({ valid: true, matched: false, actions: [] }),
    ]);
    const broken = await cm.post(DRY_RUN, { rule: reminderRule(), payload: { status: "booked", slot: {} } });
    const [result] = broken.body.results;
    expect(result).toMatchObject({ valid: false, matched: false, actions: [] });
    expect(result.errors.map((e: { path: string }) => e.path).sort()).toEqual(["/patientId", "/slot/start"]);
  });

  it("refuses an invalid draft with rule problems, like a save", async () => {
    const refused = expectProblem(
      await cm.post(DRY_RUN, { rule: reminderRule({ when: { eval: [1] } }), payload: bookedPayload }),
      400,
      "SB_ERR_VALIDATION",
    );
    expect(refused.errors).toContainEqual(expect.objectContaining({ code: "operator" }));
  });

  it("runs a saved rule, by default its active or latest version, against the last N messages received", async () => {
    expect((await cm.put("/v1/orgs/org-a/rules/slot-booked-assigns-reminder", reminderRule())).status).toBe(
      201,
    );
    await insertSample(stack.db, "org-a", {
      name: SLOT_BOOKED,
      messageId: "m-1",
      payload: bookedPayload,
      valid: true,
    });
    await insertSample(stack.db, "org-a", {
      name: SLOT_BOOKED,
      messageId: "m-2",
      payload: { ...bookedPayload, status: "cancelled" },
      valid: true,
    });
    await insertSample(stack.db, "org-a", {
      name: SLOT_BOOKED,
      messageId: "m-3",
      payload: { status: 7 },
      valid: false,
    });
    await insertSample(stack.db, "org-b", {
      name: SLOT_BOOKED,
      messageId: "other-org",
      payload: bookedPayload,
      valid: true,
    });
    const res = await stack
      .client("viewerA")
      .post(DRY_RUN, { ruleId: "slot-booked-assigns-reminder", recent: 3 });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(1);
    expect(res.body.results.map((r: { messageId: string }) => r.messageId)).toEqual(["m-3", "m-2", "m-1"]);
    expect(res.body.results[0]).toMatchObject({ valid: false, matched: false });
    expect(res.body.results[1]).toMatchObject({ valid: true, matched: false });
    expect(res.body.results[2]).toEqual({
      messageId: "m-1",
      valid: true,
      matched: true,
      actions: [expectedAction],
    });
    const two = await cm.post(DRY_RUN, { ruleId: "slot-booked-assigns-reminder", version: 1, recent: 1 });
    expect(two.body.results.map((r: { messageId: string }) => r.messageId)).toEqual(["m-3"]);
  });

  it("has no side effects", async () => {
    const before = await counts(stack);
    for (let i = 0; i < 3; i++) {
      expect((await cm.post(DRY_RUN, { rule: reminderRule(), payload: bookedPayload })).status).toBe(200);
      expect((await cm.post(DRY_RUN, { ruleId: "slot-booked-assigns-reminder", recent: 100 })).status).toBe(
        200,
      );
    }
    expect(await counts(stack)).toEqual(before);
    expect((await cm.get("/v1/orgs/org-a/rule-runs")).body.runs).toEqual([]);
  });

  it("refuses ambiguous or impossible requests", async () => {
    expectProblem(
      await cm.post(DRY_RUN, { payload: bookedPayload }),
      400,
      "SB_ERR_VALIDATION",
      "either rule",
    );
    expectProblem(
      await cm.post(DRY_RUN, { rule: reminderRule(), ruleId: "x", payload: {} }),
      400,
      "SB_ERR_VALIDATION",
      "either rule",
    );
    expectProblem(
      await cm.post(DRY_RUN, { rule: reminderRule() }),
      400,
      "SB_ERR_VALIDATION",
      "either payload",
    );
    expectProblem(
      await cm.post(DRY_RUN, { rule: reminderRule(), payload: {}, recent: 2 }),
      400,
      "SB_ERR_VALIDATION",
      "either payload",
    );
    expectProblem(
      await cm.post(DRY_RUN, { ruleId: "slot-booked-assigns-reminder", recent: 101 }),
      400,
      "SB_ERR_VALIDATION",
    );
    expectProblem(await cm.post(DRY_RUN, { ruleId: "nope", recent: 1 }), 404, "SB_ERR_NOT_FOUND");
    const onEvent = {
      id: "on-event",
      on: { event: "formSubmitted" },
      actions: [{ emit: { eventType: "seen", info: {} } }],
    };
    expectProblem(
      await cm.post(DRY_RUN, { rule: onEvent, recent: 1 }),
      400,
      "SB_ERR_VALIDATION",
      "inbound events only",
    );
    expectProblem(
      await stack.client("cmB").post(DRY_RUN, { ruleId: "slot-booked-assigns-reminder", recent: 1 }),
      404,
      "SB_ERR_NOT_FOUND",
    );
    expectProblem(
      await stack.client("appA").post(DRY_RUN, { rule: reminderRule(), payload: bookedPayload }),
      403,
      "SB_ERR_FORBIDDEN",
    );
  });

  it("refuses, fast, a rule whose condition builds an unbounded value; a viewer's dry run cannot hold the process", async () => {
    const range = Array.from({ length: 32 }, (_, i) => i);
    const doubling = { reduce: [range, { merge: [{ var: "accumulator" }, { var: "accumulator" }] }, [1]] };
    const hostile = reminderRule({ when: { cat: [doubling] } });
    const viewer = stack.client("viewerA");
    const dry = await viewer.post(DRY_RUN, { rule: hostile, payload: bookedPayload });
    // Refused as any invalid rule is (400), in milliseconds instead of holding the process for seconds.
    const problem = expectProblem(dry, 400, "SB_ERR_VALIDATION");
    expect(problem.detail).toMatch(/more than 1,000,000 elements and characters/);
    const saved = await cm.put("/v1/orgs/org-a/rules/hostile-doubling", {
      ...hostile,
      id: "hostile-doubling",
    });
    expectProblem(saved, 400, "SB_ERR_VALIDATION");
    // The process carries on: an ordinary dry run right after.
    expect((await viewer.post(DRY_RUN, { rule: reminderRule(), payload: bookedPayload })).status).toBe(200);
  });
});
