import { describe, expect, test } from "vitest";
import { compileRule, dryRun, parseDuration, validateRule, type RuleDocument } from "./index.js";
import { EXAMPLE_RULE, SLOT_BOOKED_PAYLOAD, validationContext } from "./test-fixtures.js";

const ctx = validationContext();

/** The day-before reminder: the example's action, a day before the slot, cancelled when the booking is. */
const REMINDER: RuleDocument = {
  ...EXAMPLE_RULE,
  id: "slot-reminder-day-before",
  timer: {
    at: { var: "slot.start" },
    offset: "-PT24H",
    key: { var: "bookingId" },
    cancelOn: {
      on: { inbound: "scheduling.slotBooked" },
      when: { "==": [{ var: "status" }, "cancelled"] },
      key: { var: "bookingId" },
    },
  },
};

const withTimer = (timer: unknown) => ({ ...structuredClone(EXAMPLE_RULE), timer });

function problemsOf(doc: unknown) {
  const result = validateRule(doc, ctx);
  return result.ok ? [] : result.error.map(({ path, message, code }) => ({ path, code, message }));
}

describe("durations", () => {
  test("are ISO 8601 weeks, days, hours, minutes and seconds, signed", () => {
    expect(parseDuration("P3D")).toEqual({ ok: true, value: 3 * 86_400_000 });
    expect(parseDuration("P1DT12H30M5S")).toEqual({ ok: true, value: 131_405_000 });
    expect(parseDuration("-PT24H")).toEqual({ ok: true, value: -86_400_000 });
    expect(parseDuration("P2W")).toEqual({ ok: true, value: 14 * 86_400_000 });
  });

  test("of varying length (months, years), empty or malformed are refused with the reason", () => {
    expect(parseDuration("P1M")).toMatchObject({
      ok: false,
      error: expect.stringContaining("years or months"),
    });
    expect(parseDuration("P1Y2D")).toMatchObject({ ok: false, error: expect.stringContaining("P30D") });
    for (const text of ["P", "PT", "3 days", "P1.5D", "PT1H2D", ""])
      expect(parseDuration(text)).toMatchObject({ ok: false, error: expect.stringContaining("ISO 8601") });
    expect(parseDuration("P99999D")).toMatchObject({
      ok: false,
      error: expect.stringContaining("longer than"),
    });
  });
});

describe("validateRule with a timer", () => {
  test("accepts after, and at with an offset and a cancelling follow-up", () => {
    expect(validateRule(withTimer({ after: "P3D" }), ctx)).toMatchObject({ ok: true, warnings: [] });
    expect(validateRule(REMINDER, ctx)).toEqual({ ok: true, value: REMINDER, warnings: [] });
  });

  test("refuses a misspelt field with a did-you-mean, and needs exactly one of after and at", () => {
    expect(problemsOf(withTimer({ afer: "P3D" }))).toEqual([
      {
        path: "/timer/afer",
        code: "schema",
        message: 'unknown field "afer" of timer (did you mean "after"?)',
      },
      { path: "/timer", code: "schema", message: expect.stringContaining('exactly one of "after"') },
    ]);
    expect(problemsOf(withTimer({ after: "P3D", at: "2026-12-01T09:00:00Z" }))[0]).toMatchObject({
      path: "/timer",
    });
    expect(problemsOf(withTimer("P3D"))).toEqual([
      { path: "/timer", code: "schema", message: expect.stringContaining("timer must be an object") },
    ]);
  });

  test("refuses bad durations, a zero delay, an offset without at, and an at that is no date", () => {
    expect(problemsOf(withTimer({ after: "P1M" }))).toEqual([
      { path: "/timer/after", code: "schema", message: expect.stringContaining("years or months") },
    ]);
    expect(problemsOf(withTimer({ after: "PT0S" }))[0]).toMatchObject({
      path: "/timer/after",
      message: 'timer "after" must be longer than zero',
    });
    expect(problemsOf(withTimer({ after: "P1D", offset: "PT1H" }))[0]).toMatchObject({
      path: "/timer/offset",
    });
    expect(problemsOf(withTimer({ at: "tomorrow" }))[0]).toMatchObject({
      path: "/timer/at",
      message: expect.stringContaining("date-time with a zone"),
    });
  });

  test("checks its expressions: operators, and paths against the rule's trigger", () => {
    expect(problemsOf(withTimer({ at: { var: "slot.strat" } }))).toEqual([
      {
        path: "/timer/at/var",
        code: "unknown-path",
        message: expect.stringContaining('(did you mean "slot.start"?)'),
      },
    ]);
    expect(problemsOf(withTimer({ after: "P1D", key: { vr: "bookingId" } }))[0]).toMatchObject({
      path: "/timer/key",
      code: "operator",
    });
  });

  test("checks cancelOn: a declared trigger, its key read against that trigger's schema, and a timer key", () => {
    const cancel = (cancelOn: unknown, key: unknown = { var: "bookingId" }) =>
      problemsOf(withTimer({ after: "P1D", key, cancelOn }));
    expect(cancel({ on: { inbound: "scheduling.slotCancelled" }, key: { var: "bookingId" } })).toEqual([
      {
        path: "/timer/cancelOn/on/inbound",
        code: "unknown-trigger",
        message: 'inbound event "scheduling.slotCancelled" is not declared for this org; declare it first',
      },
    ]);
    expect(cancel({ on: { event: "formSubmitted" }, key: { var: "info.formNme" } })).toEqual([
      {
        path: "/timer/cancelOn/key/var",
        code: "unknown-path",
        message: expect.stringMatching(/system event "formSubmitted".*did you mean "info.formName"/),
      },
    ]);
    expect(cancel({ on: { evnt: "formSubmitted" }, key: "x" })[0]).toMatchObject({
      path: "/timer/cancelOn/on/evnt",
      message: expect.stringContaining('(did you mean "event"?)'),
    });
    expect(cancel({ on: { event: "formSubmitted" } })[0]).toMatchObject({ path: "/timer/cancelOn/key" });
    const noKey = problemsOf(
      withTimer({
        after: "P1D",
        cancelOn: { on: { event: "formSubmitted" }, key: { var: "info.formName" } },
      }),
    );
    expect(noKey).toEqual([
      { path: "/timer/key", code: "schema", message: expect.stringContaining('needs a "key"') },
    ]);
  });
});

describe("a compiled timer", () => {
  const received = new Date("2026-11-20T08:00:00Z");

  test("is due after its duration from the message's time, whatever the wall clock says", () => {
    const rule = compileRule(withTimer({ after: "P3D", key: { var: "bookingId" } }) as RuleDocument, {
      version: 1,
    });
    expect(rule.timer!.schedule(SLOT_BOOKED_PAYLOAD, received)).toEqual({
      ok: true,
      value: { dueAt: new Date("2026-11-23T08:00:00Z"), key: "b-1" },
    });
  });

  test("is due at the payload's date moved by the offset; a follow-up gives the key it cancels", () => {
    const rule = compileRule(REMINDER, { version: 2 });
    expect(rule.timer!.schedule(SLOT_BOOKED_PAYLOAD, received)).toEqual({
      ok: true,
      value: { dueAt: new Date("2026-11-23T09:30:00Z"), key: "b-1" },
    });
    const cancel = rule.timer!.cancelOn!;
    expect(cancel.trigger).toEqual({ kind: "inbound", name: "scheduling.slotBooked" });
    expect(cancel.keyOf({ ...SLOT_BOOKED_PAYLOAD, status: "cancelled" })).toEqual({ ok: true, value: "b-1" });
    expect(cancel.keyOf(SLOT_BOOKED_PAYLOAD)).toEqual({ ok: true, value: undefined });
  });

  test("reports a payload whose date or key cannot be read, as a value", () => {
    const rule = compileRule(REMINDER, { version: 2 });
    const local = {
      ...SLOT_BOOKED_PAYLOAD,
      slot: { ...SLOT_BOOKED_PAYLOAD.slot, start: "2026-11-24T09:30" },
    };
    expect(rule.timer!.schedule(local, received)).toEqual({
      ok: false,
      error: expect.stringContaining("date-time with a zone"),
    });
    const { bookingId: _, ...keyless } = SLOT_BOOKED_PAYLOAD;
    expect(rule.timer!.schedule(keyless, received)).toEqual({
      ok: false,
      error: "the timer's key is empty on this payload, so no follow-up could cancel it",
    });
  });

  test("a dry run says when it would fire and by which key it is cancelled, or why it cannot start", () => {
    const rule = compileRule(REMINDER, { version: 2 });
    expect(dryRun(rule, SLOT_BOOKED_PAYLOAD, undefined, received)).toMatchObject({
      matched: true,
      actions: [{ type: "assignForm" }],
      timer: { dueAt: "2026-11-23T09:30:00.000Z", key: "b-1" },
    });
    const late = compileRule(withTimer({ after: "PT90M" }) as RuleDocument, { version: 1 });
    expect(dryRun(late, SLOT_BOOKED_PAYLOAD, undefined, received).timer).toEqual({
      dueAt: "2026-11-20T09:30:00.000Z",
      key: null,
    });
    const broken = dryRun(
      rule,
      { ...SLOT_BOOKED_PAYLOAD, slot: { start: 5, end: "x" } },
      undefined,
      received,
    );
    expect(broken).toMatchObject({ matched: true, error: expect.stringContaining('"at"') });
    expect(broken.timer).toBeUndefined();
  });
});
