import { describe, expect, test } from "vitest";
import { compileRule, validateRule, type RuleDocument } from "./index.js";

const DAILY_LIST = {
  type: "object",
  properties: {
    listDate: { type: "string" },
    patients: {
      type: "array",
      maxItems: 500,
      items: {
        type: "object",
        properties: { patientId: { type: "string" }, planId: { type: "string" } },
        required: ["patientId", "planId"],
        additionalProperties: false,
      },
    },
  },
  required: ["listDate", "patients"],
  additionalProperties: false,
};
const ctx = { triggerSchema: () => DAILY_LIST };

const rule = (forEach: Record<string, unknown>): RuleDocument => ({
  id: "daily-list",
  on: { inbound: "emr.dailyList" },
  actions: [{ forEach: forEach as never }],
});
const tasks = (overrides: Record<string, unknown> = {}) =>
  rule({
    in: { var: "patients" },
    key: { var: "item.patientId" },
    max: 500,
    do: {
      createWorkQueueItem: {
        queue: "home-visits",
        planId: { var: "item.planId" },
        priority: 5,
        serviceLocation: { cat: [{ var: "payload.listDate" }, " #", { var: "index" }] },
      },
    },
    ...overrides,
  });
const problems = (doc: unknown) => {
  const checked = validateRule(doc, ctx);
  return checked.ok ? [] : checked.error.map((p) => [p.path, p.message]);
};

const planId = (i: number) => `0b9c3a52-8f0e-4c1e-9a55-${String(i).padStart(12, "0")}`;
const list = (n: number) => ({
  listDate: "2026-12-03",
  patients: Array.from({ length: n }, (_, i) => ({ patientId: `p-${i}`, planId: planId(i) })),
});

describe("forEach, when saved", () => {
  test("reads item, index and payload, each checked against the trigger's schema", () => {
    expect(problems(tasks())).toEqual([]);
    expect(problems(tasks({ key: { var: "item.patientld" } }))).toEqual([
      [
        "/actions/0/forEach/key/var",
        'var "patients.0.patientld" is not in the schema of inbound event "emr.dailyList" (item is "patients.0") (did you mean "patients.0.patientId"?)',
      ],
    ]);
    expect(problems(tasks({ key: { var: "patientId" } }))).toEqual([
      [
        "/actions/0/forEach/key/var",
        'inside forEach, var reads item (the element), index or payload: write "item.patientId" or "payload.patientId"',
      ],
    ]);
  });

  test("refuses a limit below what the schema allows, a fixed key, unknown parameters and nesting", () => {
    expect(problems(tasks({ max: 100 }))).toEqual([
      [
        "/actions/0/forEach/max",
        "the list \"patients\" may hold 500 elements (its schema's maxItems), more than this forEach's max of 100: raise max (up to 1000) or lower maxItems",
      ],
    ]);
    expect(problems(tasks({ max: 5000 }))).toContainEqual([
      "/actions/0/forEach/max",
      "forEach max must be a whole number from 1 to 1000",
    ]);
    expect(problems(tasks({ key: "same" }))).toEqual([
      [
        "/actions/0/forEach/key",
        'forEach key must be an expression that differs per element, e.g. {"var": "item.patientId"}',
      ],
    ]);
    expect(problems(tasks({ limit: 3 }))).toContainEqual([
      "/actions/0/forEach/limit",
      'unknown parameter "limit" of forEach; forEach takes in, key, max, do',
    ]);
    expect(problems(tasks({ do: { forEach: {} } }))).toEqual([
      [
        "/actions/0/forEach/do/forEach",
        "forEach cannot run another forEach: flatten the list in the payload instead",
      ],
    ]);
    expect(
      problems(tasks({ do: { createWorkQueueItem: { queue: "q", planId: { var: "item.planId" } } } })),
    ).toEqual([
      [
        "/actions/0/forEach/do/createWorkQueueItem/priority",
        'createWorkQueueItem needs the parameter "priority"',
      ],
    ]);
  });
});

describe("forEach, on a message", () => {
  const compiled = compileRule(tasks(), { version: 3 });

  test("resolves one action per element, each with the element's key", () => {
    const evaluation = compiled.evaluate(list(500));
    expect(evaluation.matched && !("error" in evaluation)).toBe(true);
    if (!evaluation.matched) return;
    expect(evaluation.actions).toHaveLength(500);
    expect(evaluation.actions[499]).toEqual({
      index: 0,
      type: "createWorkQueueItem",
      target: { kind: "command", service: "work-queues", command: "createItem" },
      params: { queue: "home-visits", planId: planId(499), priority: 5, serviceLocation: "2026-12-03 #499" },
      element: { index: 499, key: "p-499" },
    });
    expect(compiled.evaluate({ listDate: "x", patients: [] })).toEqual({ matched: true, actions: [] });
  });

  test("a list over the limit fails the run with the reason and does nothing", () => {
    expect(compiled.evaluate(list(501))).toEqual({
      matched: true,
      error:
        "action 0 (forEach createWorkQueueItem): the list has 501 elements, more than its max of 500; nothing was done for any of them",
      actions: [],
    });
  });

  test("two elements with one key, or a key that is no text, fail the run naming them", () => {
    const twice = list(3);
    twice.patients[2]!.patientId = "p-0";
    expect(compiled.evaluate(twice)).toMatchObject({
      error: 'action 0 (forEach createWorkQueueItem): elements 0 and 2 have the same key "p-0"',
    });
    const noKey = list(1) as { patients: unknown[] };
    noKey.patients[0] = { patientId: { id: 1 }, planId: planId(0) };
    expect(compiled.evaluate(noKey)).toMatchObject({
      error:
        "action 0 (forEach createWorkQueueItem): element 0: its key must be text of 1 to 200 characters or a number, got an object",
    });
  });
});
