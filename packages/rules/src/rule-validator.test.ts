import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { validateRule, type RuleProblem, type Trigger } from "./index.js";
import { EXAMPLE_RULE, SLOT_BOOKED_SCHEMA, validationContext } from "./test-fixtures.js";

const ctx = validationContext();

/** The example rule with some parts replaced. */
function rule(overrides: Record<string, unknown>): Record<string, unknown> {
  return { ...structuredClone(EXAMPLE_RULE), ...overrides };
}

function withAction(action: unknown): Record<string, unknown> {
  return rule({ actions: [action] });
}

function problemsOf(doc: unknown): RuleProblem[] {
  const result = validateRule(doc, ctx);
  if (result.ok) throw new Error("expected the rule to be refused");
  return result.error;
}

describe("validateRule accepts", () => {
  test("the ARCHITECTURE example against the declared scheduling.slotBooked schema", () => {
    expect(validateRule(EXAMPLE_RULE, ctx)).toEqual({ ok: true, value: EXAMPLE_RULE, warnings: [] });
  });

  test("a rule without when, description or enabled, and drops an editor's $schema", () => {
    const doc = {
      $schema: "../schemas/rule.schema.json",
      id: "r.1_x-y",
      on: { inbound: "scheduling.slotBooked" },
      actions: EXAMPLE_RULE.actions,
    };
    expect(validateRule(doc, ctx)).toEqual({
      ok: true,
      value: { id: "r.1_x-y", on: doc.on, actions: doc.actions },
      warnings: [],
    });
  });

  test("a rule on a system event whose paths read the whole event", () => {
    const doc = {
      id: "form-done",
      on: { event: "formSubmitted" },
      when: { and: [{ "==": [{ var: "info.formName" }, "Intake"] }, { "!": { var: "info.isTest" } }] },
      actions: [
        {
          emit: { eventType: "intakeDone", info: { planId: { var: "info.planId" }, org: { var: "orgId" } } },
        },
      ],
    };
    expect(validateRule(doc, ctx).ok).toBe(true);
  });

  test("every action type with its parameters", () => {
    const uuid = "0b9c3a52-8f0e-4c1e-9a55-3f1f7c1b2d10";
    const actions = [
      { assignForm: { formName: "F", userId: "u", planId: uuid } },
      {
        createWorkQueueItem: {
          queue: "triage",
          planId: uuid,
          priority: 5,
          serviceLocation: null,
          status: "new",
        },
      },
      { setWorkQueueItemStatus: { workQueueItemId: uuid, status: "done", priority: 0 } },
      {
        createPlan: {
          templateName: "maternity-care",
          userId: { var: "patientId" },
          isTest: false,
          roleAssignments: [{ roleId: "midwife", userId: "u2" }],
        },
      },
      { emit: { eventType: "slotSeen", info: { slot: { var: "slot" } } } },
    ];
    expect(validateRule(rule({ actions }), ctx).ok).toBe(true);
  });
});

describe("validateRule refuses, with a pointer and a message a content manager can act on", () => {
  test("a document that is not an object", () => {
    expect(problemsOf([])).toEqual([{ path: "", message: "a rule must be a JSON object", code: "schema" }]);
    expect(problemsOf("rule")).toHaveLength(1);
  });

  test("violations of the rule schema, each at its pointer", () => {
    const problems = problemsOf(
      rule({ id: "my rule", description: "x".repeat(1001), enabled: "yes", descripton: "typo", actions: [] }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          path: "/id",
          code: "schema",
          message: '"id" must be 1 to 100 characters of A-Z, a-z, 0-9, "_", "." or "-", got "my rule"',
        },
        {
          path: "/description",
          code: "schema",
          message: '"description" must NOT have more than 1000 characters',
        },
        { path: "/enabled", code: "schema", message: '"enabled" must be a boolean, got "yes"' },
        {
          path: "/descripton",
          code: "schema",
          message: '"descripton" is not allowed here (did you mean "description"?)',
        },
        { path: "/actions", code: "schema", message: '"actions" must NOT have fewer than 1 items' },
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  test("missing required members", () => {
    expect(problemsOf({ id: "r" })).toEqual([
      { path: "/on", code: "schema", message: '"on" is required' },
      { path: "/actions", code: "schema", message: '"actions" is required' },
    ]);
  });

  test("more than 20 actions", () => {
    const actions = Array.from({ length: 21 }, () => EXAMPLE_RULE.actions[0]);
    expect(problemsOf(rule({ actions }))).toEqual([
      { path: "/actions", code: "schema", message: '"actions" must NOT have more than 20 items' },
    ]);
  });

  test("a trigger that is not exactly one of inbound or event", () => {
    expect(problemsOf(rule({ on: { inbound: "scheduling.slotBooked", event: "planCreated" } }))).toEqual([
      { path: "/on", code: "schema", message: '"on" must have exactly one of "inbound" or "event"' },
    ]);
    expect(problemsOf(rule({ on: { inbond: "scheduling.slotBooked" } }))).toContainEqual({
      path: "/on/inbond",
      code: "schema",
      message: '"inbond" is not allowed here (did you mean "inbound"?)',
    });
    expect(problemsOf(rule({ on: { inbound: "scheduling..slotBooked" } }))[0]).toMatchObject({
      path: "/on/inbound",
      code: "schema",
    });
  });

  test("an inbound event the org has not declared", () => {
    expect(problemsOf(rule({ on: { inbound: "scheduling.slotMoved" } }))).toEqual([
      {
        path: "/on/inbound",
        code: "unknown-trigger",
        message: 'inbound event "scheduling.slotMoved" is not declared for this org; declare it first',
      },
    ]);
    expect(problemsOf(rule({ on: { event: "planArchived" } }))).toEqual([
      {
        path: "/on/event",
        code: "unknown-trigger",
        message: 'system event "planArchived" is not a known system event type',
      },
    ]);
  });

  test("an unknown operator in when", () => {
    expect(problemsOf(rule({ when: { method: [{ var: "status" }, "startsWith", ["b"]] } }))).toEqual([
      expect.objectContaining({
        path: "/when",
        code: "operator",
        message: expect.stringContaining('unknown operator "method" at /when'),
      }),
    ]);
  });

  test("unsafe var paths", () => {
    expect(problemsOf(rule({ when: { var: "__proto__" } }))).toEqual([
      expect.objectContaining({
        path: "/when/var",
        code: "unsafe-var",
        message: expect.stringContaining('unsafe var path "__proto__"'),
      }),
    ]);
    expect(problemsOf(rule({ when: { "==": [{ var: "constructor.prototype" }, 1] } }))).toEqual([
      expect.objectContaining({
        path: "/when/==/0/var",
        code: "unsafe-var",
        message: expect.stringContaining('unsafe var path "constructor.prototype"'),
      }),
    ]);
  });

  test("a computed var path", () => {
    expect(problemsOf(rule({ when: { var: { cat: ["sta", "tus"] } } }))).toEqual([
      expect.objectContaining({
        path: "/when/var",
        code: "unsafe-var",
        message: expect.stringContaining("must be a literal string or number"),
      }),
    ]);
  });

  test("a var path the declared schema lacks, with a did-you-mean", () => {
    expect(problemsOf(rule({ when: { "==": [{ var: "slot.strat" }, "x"] } }))).toEqual([
      {
        path: "/when/==/0/var",
        code: "unknown-path",
        message:
          'var "slot.strat" is not in the schema of inbound event "scheduling.slotBooked" (did you mean "slot.start"?)',
      },
    ]);
  });

  test("a var path a system event's schema lacks, checked through its $refs", () => {
    const doc = {
      id: "r",
      on: { event: "formSubmitted" },
      when: { var: "info.formNam" },
      actions: [{ emit: { eventType: "x", info: {} } }],
    };
    expect(problemsOf(doc)).toEqual([
      {
        path: "/when/var",
        code: "unknown-path",
        message:
          'var "info.formNam" is not in the schema of system event "formSubmitted" (did you mean "info.formName"?)',
      },
    ]);
  });

  test("an action that is not one action type with its parameters", () => {
    expect(problemsOf(withAction("assignForm"))).toEqual([
      expect.objectContaining({
        path: "/actions/0",
        code: "action",
        message: expect.stringContaining("must be an object with one action type"),
      }),
    ]);
    expect(problemsOf(withAction({ emit: { eventType: "a", info: {} }, createPlan: {} }))).toEqual([
      expect.objectContaining({
        path: "/actions/0",
        code: "action",
        message: expect.stringContaining('found "emit", "createPlan"'),
      }),
    ]);
    expect(problemsOf(withAction({ emit: ["a"] }))).toEqual([
      {
        path: "/actions/0/emit",
        code: "action",
        message: "the parameters of emit must be an object of name: value",
      },
    ]);
  });

  test("an unknown action, suggesting the one meant or listing them", () => {
    expect(problemsOf(withAction({ asignForm: {} }))).toEqual([
      {
        path: "/actions/0/asignForm",
        code: "action",
        message: 'unknown action "asignForm" (did you mean "assignForm"?)',
      },
    ]);
    expect(problemsOf(withAction({ sendSms: {} }))[0]!.message).toBe(
      'unknown action "sendSms"; the actions are assignForm, createWorkQueueItem, setWorkQueueItemStatus, createPlan, emit, recordFormSubmission, updateWorkQueueItemByKey, proposeChange, forEach',
    );
  });

  test("unknown and missing parameters, by name", () => {
    const problems = problemsOf(
      withAction({
        assignForm: { formNme: "F", planId: "0b9c3a52-8f0e-4c1e-9a55-3f1f7c1b2d10", colour: "red" },
      }),
    );
    expect(problems).toEqual([
      {
        path: "/actions/0/assignForm/formNme",
        code: "action",
        message: 'unknown parameter "formNme" of assignForm (did you mean "formName"?)',
      },
      {
        path: "/actions/0/assignForm/colour",
        code: "action",
        message:
          'unknown parameter "colour" of assignForm; assignForm takes formName, userId, planId, plan, prefill',
      },
      {
        path: "/actions/0/assignForm/formName",
        code: "action",
        message: 'assignForm needs the parameter "formName"',
      },
      {
        path: "/actions/0/assignForm/userId",
        code: "action",
        message: 'assignForm needs the parameter "userId"',
      },
    ]);
  });

  test("neither or both of planId and plan", () => {
    expect(problemsOf(withAction({ assignForm: { formName: "F", userId: "u" } }))).toEqual([
      {
        path: "/actions/0/assignForm",
        code: "action",
        message: 'assignForm needs one of "planId" or "plan"',
      },
    ]);
    const both = {
      formName: "F",
      userId: "u",
      planId: "0b9c3a52-8f0e-4c1e-9a55-3f1f7c1b2d10",
      plan: { templateName: "t" },
    };
    expect(problemsOf(withAction({ assignForm: both }))).toEqual([
      {
        path: "/actions/0/assignForm",
        code: "action",
        message: 'assignForm takes only one of "planId" or "plan", not both',
      },
    ]);
  });

  test("literal parameters of the wrong type, checked when saved", () => {
    const problems = problemsOf(
      rule({
        actions: [
          { createWorkQueueItem: { queue: "triage", planId: "not-a-uuid", priority: "high" } },
          {
            createWorkQueueItem: {
              queue: "triage",
              planId: "0b9c3a52-8f0e-4c1e-9a55-3f1f7c1b2d10",
              priority: 1001,
            },
          },
          { assignForm: { formName: "F", userId: 42, plan: { templatName: "t" } } },
          { createPlan: { templateName: "t", userId: "u", roleAssignments: [{ roleId: "r" }] } },
        ],
      }),
    );
    expect(problems).toEqual([
      {
        path: "/actions/0/createWorkQueueItem/planId",
        code: "param-type",
        message: 'planId must be a uuid, got "not-a-uuid"',
      },
      {
        path: "/actions/0/createWorkQueueItem/priority",
        code: "param-type",
        message: 'priority must be an integer, got "high"',
      },
      {
        path: "/actions/1/createWorkQueueItem/priority",
        code: "param-type",
        message: "priority must be <= 1000",
      },
      {
        path: "/actions/2/assignForm/userId",
        code: "param-type",
        message: "userId must be a string, got 42",
      },
      {
        path: "/actions/2/assignForm/plan/templateName",
        code: "param-type",
        message: "plan.templateName is required",
      },
      {
        path: "/actions/2/assignForm/plan/templatName",
        code: "param-type",
        message: 'plan.templatName is not allowed here (did you mean "templateName"?)',
      },
      {
        path: "/actions/3/createPlan/roleAssignments/0/userId",
        code: "param-type",
        message: "roleAssignments.0.userId is required",
      },
    ]);
  });

  test("a map parameter that is a different kind of value, though it holds expressions", () => {
    expect(
      problemsOf(
        withAction({
          assignForm: {
            formName: "F",
            userId: "u",
            plan: { templateName: "t" },
            prefill: [{ var: "slot.start" }],
          },
        }),
      ),
    ).toEqual([
      {
        path: "/actions/0/assignForm/prefill",
        code: "param-type",
        message: "prefill must be an object, got an array",
      },
    ]);
  });

  test("an emit that would forge a platform event", () => {
    const [problem] = problemsOf(withAction({ emit: { eventType: "planCreated", info: {} } }));
    expect(problem).toMatchObject({ path: "/actions/0/emit/eventType", code: "param-type" });
    expect(problem!.message).toContain(
      'eventType must not be "planCreated": only the platform publishes its own event types',
    );
  });

  test("expressions inside parameters, checked like when, at their own pointers", () => {
    const problems = problemsOf(
      withAction({
        assignForm: {
          formName: { method: ["x", "toString"] },
          userId: { var: "patientID" },
          plan: { templateName: { var: "__proto__.x" } },
          prefill: { appointmentTime: { var: "slot.strat" }, room: { var: "slot.location" } },
        },
      }),
    );
    expect(problems.map((p) => [p.path, p.code])).toEqual([
      // A one-key object where a string belongs was meant as an expression.
      ["/actions/0/assignForm/formName", "operator"],
      ["/actions/0/assignForm/userId/var", "unknown-path"],
      ["/actions/0/assignForm/plan/templateName/var", "unsafe-var"],
      ["/actions/0/assignForm/prefill/appointmentTime/var", "unknown-path"],
    ]);
    expect(problems[0]!.message).toContain('unknown operator "method" at /actions/0/assignForm/formName');
    expect(problems[1]!.message).toContain('(did you mean "patientId"?)');
  });

  test("every problem of a document at once, not only the first", () => {
    const problems = problemsOf({
      id: "bad id",
      on: { inbound: "scheduling.slotBooked" },
      when: { and: [{ method: [] }, { var: "constructor" }, { var: "slot.strat" }] },
      actions: [
        { asignForm: {} },
        { createWorkQueueItem: { queue: "q", planId: { var: "bookingId" }, priority: "high" } },
      ],
    });
    expect(problems.map((p) => p.code).sort()).toEqual([
      "action",
      "operator",
      "param-type",
      "schema",
      "unknown-path",
      "unsafe-var",
    ]);
  });
});

describe("validateRule warns of paths an open object does not declare, and saves the rule", () => {
  // The scheduling payload with `slot` listing its fields but no longer closed.
  const openSlot = structuredClone(SLOT_BOOKED_SCHEMA) as { properties: { slot: Record<string, unknown> } };
  delete openSlot.properties.slot["additionalProperties"];
  const openCtx = { ...ctx, triggerSchema: (t: Trigger) => ("inbound" in t ? openSlot : undefined) };
  const assign = (prefill: unknown) => ({
    assignForm: {
      formName: "AppointmentReminder",
      userId: { var: "patientId" },
      plan: { templateName: "maternity-care" },
      prefill,
    },
  });

  test("in when and in action parameters, each at its pointer, with a did-you-mean", () => {
    const doc = rule({
      when: { "!!": { var: "slot.strat" } },
      actions: [assign({ appointmentTime: { var: "slot.begin" } })],
    });
    const result = validateRule(doc, openCtx);
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([
      {
        path: "/when/!!/var",
        code: "undeclared-path",
        message:
          'var "slot.strat" is not declared in the schema of inbound event "scheduling.slotBooked" (did you mean "slot.start"?)',
      },
      {
        path: "/actions/0/assignForm/prefill/appointmentTime/var",
        code: "undeclared-path",
        message:
          'var "slot.begin" is not declared in the schema of inbound event "scheduling.slotBooked"; "slot" has end, location, start',
      },
    ]);
  });

  test("alongside the problems of a rule that is refused, and none for declared paths", () => {
    const refused = validateRule(rule({ when: { and: [{ var: "slot.ned" }, { var: "stauts" }] } }), openCtx);
    expect(refused).toMatchObject({
      ok: false,
      error: [{ path: "/when/and/1/var", code: "unknown-path" }],
      warnings: [{ path: "/when/and/0/var", code: "undeclared-path" }],
    });
    expect(validateRule(EXAMPLE_RULE, openCtx)).toEqual({ ok: true, value: EXAMPLE_RULE, warnings: [] });
  });

  test("the closed schema still refuses the same typo, with no warning", () => {
    const result = validateRule(rule({ when: { var: "slot.strat" } }), ctx);
    expect(result).toMatchObject({ ok: false, error: [{ code: "unknown-path" }], warnings: [] });
  });
});

describe("validateRule with the repository's system event schemas", () => {
  const dir = new URL("../../../schemas/events/", import.meta.url);
  const load = (file: string): object | undefined => {
    try {
      return JSON.parse(readFileSync(new URL(file, dir), "utf8")) as object;
    } catch {
      return undefined;
    }
  };
  const eventsCtx = {
    triggerSchema: (t: Trigger) =>
      "event" in t && /^[A-Za-z]+$/.test(t.event) ? load(`${t.event}.schema.json`) : undefined,
    resolveRef: (ref: string) => (/^[A-Za-z]+\.schema\.json$/.test(ref) ? load(ref) : undefined),
  };
  const onEvent = (event: string, when: unknown) => ({
    id: "r",
    on: { event },
    when,
    actions: [{ emit: { eventType: "x", info: {} } }],
  });

  test("reads envelope fields and info fields declared through the envelope's definitions", () => {
    const when = {
      and: [
        { var: "info.formName" },
        { var: "info.planId" },
        { var: "info.isTest" },
        { var: "orgId" },
        { var: "info.data.anything" },
      ],
    };
    expect(validateRule(onEvent("formSubmitted", when), eventsCtx)).toMatchObject({ ok: true, warnings: [] });
    expect(validateRule(onEvent("workQueueItemStatusUpdated", { var: "info.oldStatus" }), eventsCtx).ok).toBe(
      true,
    );
  });

  test("refuses a field the event does not have, with a did-you-mean", () => {
    const result = validateRule(onEvent("formSubmitted", { var: "info.formNme" }), eventsCtx);
    expect(result).toMatchObject({
      ok: false,
      error: [{ path: "/when/var", message: expect.stringContaining('(did you mean "info.formName"?)') }],
    });
    expect(validateRule(onEvent("planCreated", { var: "info.formName" }), eventsCtx).ok).toBe(false);
  });
});
