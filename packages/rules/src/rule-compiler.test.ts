import { describe, expect, test } from "vitest";
import { ValidationError } from "@switchboard/errors";
import { compileRule, type RuleDocument, type RuleEvaluation } from "./index.js";
import { EXAMPLE_RULE, SLOT_BOOKED_PAYLOAD, deeplyNested, deeplyNestedArray } from "./test-fixtures.js";

const PLAN_ID = "0b9c3a52-8f0e-4c1e-9a55-3f1f7c1b2d10";

function compiled(overrides: Partial<RuleDocument> = {}) {
  return compileRule({ ...structuredClone(EXAMPLE_RULE), ...overrides }, { version: 3 });
}

function errorOf(evaluation: RuleEvaluation): string {
  if (!evaluation.matched || !("error" in evaluation))
    throw new Error(`expected an error, got ${JSON.stringify(evaluation)}`);
  return evaluation.error;
}

describe("compileRule", () => {
  test("carries the rule's id, version, trigger, enabled flag and description", () => {
    const rule = compiled();
    expect(rule).toMatchObject({
      id: "slot-booked-assigns-reminder",
      version: 3,
      enabled: true,
      trigger: { kind: "inbound", name: "scheduling.slotBooked" },
      description: EXAMPLE_RULE.description,
    });
    expect(compiled({ enabled: undefined, on: { event: "formSubmitted" } })).toMatchObject({
      enabled: true,
      trigger: { kind: "event", name: "formSubmitted" },
    });
    expect(compiled({ enabled: false }).enabled).toBe(false);
  });

  test("refuses logic that validation would refuse, whoever calls it", () => {
    expect(() => compiled({ when: { method: [{ var: "status" }, "trim"] } })).toThrow(ValidationError);
    expect(() =>
      compiled({
        actions: [{ assignForm: { formName: "F", userId: { var: "__proto__" }, planId: PLAN_ID } }],
      }),
    ).toThrow(ValidationError);
    expect(() => compiled({ actions: [{ sendSms: {} } as never] })).toThrow(ValidationError);
  });
});

describe("evaluate", () => {
  test("resolves the ARCHITECTURE example to the assignForm command with the appointment time", () => {
    expect(compiled().evaluate(SLOT_BOOKED_PAYLOAD)).toEqual({
      matched: true,
      actions: [
        {
          index: 0,
          type: "assignForm",
          target: { kind: "command", service: "forms", command: "assignForm" },
          params: {
            formName: "AppointmentReminder",
            userId: "patient-7",
            plan: { templateName: "maternity-care" },
            prefill: { appointmentTime: "2026-11-24T09:30:00Z" },
          },
        },
      ],
    });
  });

  test("does not match when the condition is false", () => {
    expect(compiled().evaluate({ ...SLOT_BOOKED_PAYLOAD, status: "cancelled" })).toEqual({ matched: false });
  });

  test("uses JSON Logic truthiness for when: an empty array does not match", () => {
    expect(compiled({ when: { var: "tags" } }).evaluate({ ...SLOT_BOOKED_PAYLOAD, tags: [] })).toEqual({
      matched: false,
    });
    expect(
      compiled({ when: { var: "tags" } }).evaluate({ ...SLOT_BOOKED_PAYLOAD, tags: ["x"] }).matched,
    ).toBe(true);
  });

  test("always matches without when", () => {
    expect(
      compiled({ when: undefined }).evaluate({ ...SLOT_BOOKED_PAYLOAD, status: "cancelled" }).matched,
    ).toBe(true);
  });

  test("resolves every action, each with its index, type and target", () => {
    const rule = compiled({
      actions: [
        {
          emit: {
            eventType: "slotSeen",
            info: {
              patient: { var: "patientId" },
              when: { cat: [{ var: "slot.start" }, "/", { var: "slot.end" }] },
            },
          },
        },
        {
          createWorkQueueItem: {
            queue: "reminders",
            planId: PLAN_ID,
            priority: { if: [{ "==": [{ var: "slot.location" }, "Room 3"] }, 10, 1] },
            serviceLocation: { var: "slot.location" },
          },
        },
        {
          createPlan: {
            templateName: "follow-up",
            userId: { var: "patientId" },
            roleAssignments: [{ roleId: "patient", userId: { var: "patientId" } }],
          },
        },
      ],
    });
    expect(rule.evaluate(SLOT_BOOKED_PAYLOAD)).toEqual({
      matched: true,
      actions: [
        {
          index: 0,
          type: "emit",
          target: { kind: "emit" },
          params: {
            eventType: "slotSeen",
            info: { patient: "patient-7", when: "2026-11-24T09:30:00Z/2026-11-24T10:00:00Z" },
          },
        },
        {
          index: 1,
          type: "createWorkQueueItem",
          target: { kind: "command", service: "work-queues", command: "createItem" },
          params: { queue: "reminders", planId: PLAN_ID, priority: 10, serviceLocation: "Room 3" },
        },
        {
          index: 2,
          type: "createPlan",
          target: { kind: "command", service: "plans", command: "createPlan" },
          params: {
            templateName: "follow-up",
            userId: "patient-7",
            roleAssignments: [{ roleId: "patient", userId: "patient-7" }],
          },
        },
      ],
    });
  });

  test("reports a resolved parameter of the wrong type, naming the action and the parameter", () => {
    const evaluation = compiled().evaluate({ ...SLOT_BOOKED_PAYLOAD, patientId: 42 });
    expect(errorOf(evaluation)).toBe("action 0 (assignForm): userId must be a string, got 42");
    // The resolved values are still shown, so a dry run says what was wrong with them.
    expect(evaluation).toMatchObject({ actions: [{ params: { userId: 42 } }] });
  });

  test("reports every runtime problem, across actions", () => {
    const rule = compiled({
      actions: [
        {
          createWorkQueueItem: {
            queue: "q",
            planId: { var: "bookingId" },
            priority: { var: "slot.location" },
          },
        },
        {
          assignForm: {
            formName: "F",
            userId: { var: "nobody" },
            plan: { templateName: { var: "patientId" } },
          },
        },
      ],
    });
    expect(errorOf(rule.evaluate(SLOT_BOOKED_PAYLOAD)).split("; ")).toEqual([
      'action 0 (createWorkQueueItem): planId must be a uuid, got "b-1"',
      'action 0 (createWorkQueueItem): priority must be an integer, got "Room 3"',
      "action 1 (assignForm): userId must be a string, got null",
    ]);
  });

  test("leaves out an optional parameter that resolves to null, unless null is a value it takes", () => {
    const rule = compiled({
      actions: [
        { assignForm: { formName: "F", userId: "u", planId: PLAN_ID, prefill: { var: "extra" } } },
        {
          createWorkQueueItem: {
            queue: "q",
            planId: PLAN_ID,
            priority: 1,
            serviceLocation: { var: "nowhere" },
            status: { var: "nostatus" },
          },
        },
      ],
    });
    const evaluation = rule.evaluate(SLOT_BOOKED_PAYLOAD);
    expect(evaluation).toMatchObject({ matched: true });
    expect("error" in evaluation).toBe(false);
    if (!evaluation.matched) return;
    expect(evaluation.actions[0]!.params).toEqual({ formName: "F", userId: "u", planId: PLAN_ID });
    expect(evaluation.actions[1]!.params).toEqual({
      queue: "q",
      planId: PLAN_ID,
      priority: 1,
      serviceLocation: null,
    });
  });

  test("does not leave out a null parameter that is one of a required pair", () => {
    const rule = compiled({
      actions: [{ assignForm: { formName: "F", userId: "u", planId: { var: "nothing" } } }],
    });
    expect(errorOf(rule.evaluate(SLOT_BOOKED_PAYLOAD))).toBe(
      "action 0 (assignForm): planId must be a string, got null",
    );
  });

  test("never reads inherited properties: var toString is null", () => {
    const rule = compiled({
      actions: [
        {
          emit: {
            eventType: "probe",
            info: { a: { var: "toString" }, b: { var: "slot.constructor_" }, c: { var: "status.length" } },
          },
        },
      ],
    });
    expect(rule.evaluate(SLOT_BOOKED_PAYLOAD)).toMatchObject({
      matched: true,
      actions: [{ params: { info: { a: null, b: null, c: null } } }],
    });
  });

  test("keeps __proto__ keys of a payload and of a literal map as plain data", () => {
    const rule = compiled({
      actions: [
        {
          emit: {
            eventType: "probe",
            info: { copied: { var: "extra" }, __proto__: { polluted: true } } as never,
          },
        },
      ],
    });
    const payload = JSON.parse(
      `{"status":"booked","patientId":"p","extra":{"__proto__":{"polluted":true}}}`,
    ) as unknown;
    const evaluation = rule.evaluate(payload);
    if (!evaluation.matched) throw new Error("expected a match");
    const info = evaluation.actions[0]!.params["info"] as Record<string, unknown>;
    expect(Object.getPrototypeOf(info)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  test("never throws on a payload nested 10000 levels deep", () => {
    const rule = compiled({
      when: { "==": [{ var: "deep" }, "x"] },
      actions: [{ emit: { eventType: "deep", info: { deep: { var: "deep" } } } }],
    });
    expect(rule.evaluate({ deep: deeplyNested(10_000) })).toEqual({ matched: false });
    const copies = compiled({
      when: true,
      actions: [{ emit: { eventType: "deep", info: { deep: { var: "deep" } } } }],
    });
    expect(copies.evaluate({ deep: deeplyNested(10_000) })).toMatchObject({
      matched: true,
      actions: [{ params: { info: { deep: { a: {} } } } }],
    });
    // Joining arrays nested this deep overflows the stack inside json-logic-js's cat: reported, not thrown.
    const joins = compiled({ when: { cat: [{ var: "arrays" }] } });
    expect(() => joins.evaluate({ arrays: deeplyNestedArray(100_000) })).not.toThrow();
  });

  test("never throws on huge arrays or values that cannot become strings", () => {
    const rule = compiled({
      when: { some: [{ var: "items" }, { "==": [{ var: "" }, -1] }] },
      actions: [{ emit: { eventType: "x", info: { n: 1 } } }],
    });
    expect(rule.evaluate({ items: Array.from({ length: 200_000 }, (_, i) => i) })).toEqual({
      matched: false,
    });
    const hostile = compiled({ when: { cat: [{ var: "bad" }] } });
    const evaluation = hostile.evaluate({ bad: { toString: "no", valueOf: "no" } });
    expect(errorOf(evaluation)).toMatch(/^the condition could not be evaluated: /);
    expect(evaluation).toMatchObject({ matched: true, actions: [] });
    const inParams = compiled({
      actions: [{ emit: { eventType: "x", info: { t: { in: ["a", { var: "bad" }] } } } }],
    });
    expect(errorOf(inParams.evaluate({ status: "booked", bad: { indexOf: 1 } }))).toMatch(
      /^action 0 \(emit\): a parameter could not be evaluated/,
    );
  });

  test("an evaluation past its budget is the rule's error, and the next message is evaluated afresh", () => {
    const rule = compiled({
      when: { reduce: [{ var: "items" }, { merge: [{ var: "accumulator" }, { var: "accumulator" }] }, [1]] },
    });
    const evaluation = rule.evaluate({ items: Array.from({ length: 32 }, (_, i) => i) });
    expect(errorOf(evaluation)).toMatch(
      /^the condition could not be evaluated: .*more than 1,000,000 elements/,
    );
    expect(rule.evaluate({ items: [] })).toMatchObject({ matched: true, actions: [expect.anything()] });
  });

  test("never throws on payloads that are not objects", () => {
    for (const payload of [null, undefined, 42, "text", [1, 2], true]) {
      expect(compiled().evaluate(payload)).toEqual({ matched: false });
    }
  });

  test("gives each evaluation its own values: changing one result does not change the next", () => {
    const rule = compiled();
    const first = rule.evaluate(SLOT_BOOKED_PAYLOAD);
    if (!first.matched) throw new Error("expected a match");
    (first.actions[0]!.params["prefill"] as Record<string, unknown>)["appointmentTime"] = "changed";
    expect(rule.evaluate(SLOT_BOOKED_PAYLOAD)).toMatchObject({
      actions: [{ params: { prefill: { appointmentTime: "2026-11-24T09:30:00Z" } } }],
    });
  });

  test("does not depend on the document after compiling", () => {
    const doc = structuredClone(EXAMPLE_RULE);
    const rule = compileRule(doc, { version: 1 });
    (doc.actions[0]!.assignForm as Record<string, unknown>)["formName"] = "Other";
    doc.when = false;
    expect(rule.evaluate(SLOT_BOOKED_PAYLOAD)).toMatchObject({
      matched: true,
      actions: [{ params: { formName: "AppointmentReminder" } }],
    });
  });
});
