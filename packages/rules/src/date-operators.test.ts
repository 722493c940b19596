import { describe, expect, test } from "vitest";
import { compileRule, compileLogic, checkLogic, validateRule, type RuleDocument } from "./index.js";
import { EXAMPLE_RULE, validationContext } from "./test-fixtures.js";

const run = (logic: unknown, data: unknown = {}) => compileLogic(logic)(data);

describe("date_parse and date_format", () => {
  test("a US date comes out as a European one, and as ISO 8601", () => {
    const parsed = run({ date_parse: [{ var: "dob" }, "MM/dd/yyyy"] }, { dob: "12/03/2026" });
    expect(parsed).toBe("2026-12-03T00:00:00.000Z");
    expect(run({ date_format: [parsed, "dd/MM/yyyy"] })).toBe("03/12/2026");
    expect(
      run({ date_format: [{ date_parse: [{ var: "dob" }, "MM/dd/yyyy"] }, "iso"] }, { dob: "07/04/2026" }),
    ).toBe("2026-07-04T00:00:00.000Z");
  });

  test("time zones: a wall clock read in one zone is the same instant elsewhere, summer time included", () => {
    // 09:30 in Paris in winter (UTC+1) and in summer (UTC+2).
    expect(run({ date_parse: ["03/12/2026 09:30", "dd/MM/yyyy HH:mm", "Europe/Paris"] })).toBe(
      "2026-12-03T08:30:00.000Z",
    );
    expect(run({ date_parse: ["03/07/2026 09:30", "dd/MM/yyyy HH:mm", "Europe/Paris"] })).toBe(
      "2026-07-03T07:30:00.000Z",
    );
    expect(run({ date_format: ["2026-12-03T23:30:00Z", "yyyy-MM-dd HH:mm", "Asia/Kolkata"] })).toBe(
      "2026-12-04 05:00",
    );
    expect(run({ date_format: ["2026-12-03T09:30:00Z", "iso", "America/New_York"] })).toBe(
      "2026-12-03T04:30:00.000-05:00",
    );
    expect(run({ date_format: ["2026-12-03T09:30:00+01:00", "iso"] })).toBe("2026-12-03T08:30:00.000Z");
    // An offset in the text wins over the zone.
    expect(
      run({ date_parse: ["2026-12-03T09:30:00+03:00", "yyyy-MM-dd'T'HH:mm:ssXXX", "Europe/Paris"] }),
    ).toBe("2026-12-03T06:30:00.000Z");
    expect(run({ date_parse: ["2026-12-03T09:30:00", "iso", "Europe/Paris"] })).toBe(
      "2026-12-03T08:30:00.000Z",
    );
  });

  test("text that does not match, or is no calendar date, fails the evaluation with the reason", () => {
    expect(() => run({ date_parse: ["2026-12-03", "MM/dd/yyyy"] })).toThrow(
      'date_parse: "2026-12-03" does not match the date format "MM/dd/yyyy"',
    );
    expect(() => run({ date_parse: ["02/30/2026", "MM/dd/yyyy"] })).toThrow("is not a calendar date");
    expect(() => run({ date_format: [{ var: "d" }, "dd/MM/yyyy"] }, { d: 20261203 })).toThrow(
      "date_format: expected a date as ISO 8601 text, got number 20261203",
    );
  });
});

describe("date_add and date_diff", () => {
  test("24 hours before a slot, three days after an assignment, a month after 31 January", () => {
    expect(
      run({ date_add: [{ var: "slot.start" }, "-PT24H"] }, { slot: { start: "2026-12-03T09:30:00Z" } }),
    ).toBe("2026-12-02T09:30:00.000Z");
    expect(run({ date_add: ["2026-12-30T10:00:00Z", "P3D"] })).toBe("2027-01-02T10:00:00.000Z");
    expect(run({ date_add: ["2026-01-31T10:00:00Z", "P1M"] })).toBe("2026-02-28T10:00:00.000Z");
    // A day in Paris across the change to summer time keeps the hour on the wall clock (23 hours).
    expect(run({ date_add: ["2026-03-28T09:00:00Z", "P1D", "Europe/Paris"] })).toBe(
      "2026-03-29T08:00:00.000Z",
    );
    expect(run({ date_add: ["2026-03-28T09:00:00Z", "PT24H", "Europe/Paris"] })).toBe(
      "2026-03-29T09:00:00.000Z",
    );
  });

  test("date_diff measures from the first date to the second and compares as a number", () => {
    const overdue = {
      ">": [{ date_diff: [{ var: "assignedAt" }, { var: "checkedAt" }, "days"] }, 3],
    };
    expect(run(overdue, { assignedAt: "2026-12-01T09:00:00Z", checkedAt: "2026-12-04T09:00:01Z" })).toBe(
      true,
    );
    expect(run(overdue, { assignedAt: "2026-12-01T09:00:00Z", checkedAt: "2026-12-04T09:00:00Z" })).toBe(
      false,
    );
    expect(run({ date_diff: ["2026-12-02T00:00:00Z", "2026-12-01T12:00:00Z", "hours"] })).toBe(-12);
  });
});

describe("now", () => {
  const doc: RuleDocument = {
    ...EXAMPLE_RULE,
    when: { "<": [{ date_diff: [{ now: [] }, { var: "slot.start" }, "hours"] }, 48] },
    actions: [{ emit: { eventType: "soon", info: { checkedAt: { now: [] } } } }],
  };
  const payload = { slot: { start: "2026-12-03T09:30:00Z" } };

  test("is the message's time given to the evaluation: the same answer every time it is given", () => {
    const rule = compileRule(doc, { version: 1 });
    const at = Date.parse("2026-12-02T09:30:00Z");
    const first = rule.evaluate(payload, at);
    expect(first).toEqual({
      matched: true,
      actions: [
        expect.objectContaining({
          params: { eventType: "soon", info: { checkedAt: "2026-12-02T09:30:00.000Z" } },
        }),
      ],
    });
    expect(rule.evaluate(payload, at)).toEqual(first);
    expect(rule.evaluate(payload, Date.parse("2026-11-30T09:30:00Z"))).toEqual({ matched: false });
  });

  test("without a message time it fails the run rather than reading the wall clock", () => {
    const evaluation = compileRule(doc, { version: 1 }).evaluate(payload);
    expect(evaluation).toEqual({
      matched: true,
      error: "the condition could not be evaluated: now: there is no message time here (rules only)",
      actions: [],
    });
  });
});

describe("saving a rule with date operators", () => {
  const ctx = validationContext();
  const problems = (when: unknown) => {
    const result = validateRule({ ...EXAMPLE_RULE, when }, ctx);
    return result.ok ? [] : result.error.map((p) => [p.path, p.message]);
  };

  test("literal formats, zones, durations and units are checked, with what was probably meant", () => {
    expect(problems({ date_parse: [{ var: "slot.start" }, "mm/dd/yyyy"] })).toEqual([
      [
        "/when/date_parse/1",
        'in the date format "mm/dd/yyyy", "mm" is the minutes; write "MM" for the month',
      ],
    ]);
    expect(problems({ date_format: [{ var: "slot.start" }, "dd/MMM/yy"] })).toEqual([
      [
        "/when/date_format/1",
        '"MMM" in "dd/MMM/yy" is not a date field; the fields are yyyy MM M dd d HH H mm ss SSS XXX (text in single quotes)',
      ],
    ]);
    expect(problems({ date_format: [{ var: "slot.start" }, "iso", "Europe/Pariss"] })).toEqual([
      [
        "/when/date_format/2",
        '"Europe/Pariss" is not a time zone; write an IANA name such as "Europe/Paris" or "UTC" (did you mean "Europe/Paris"?)',
      ],
    ]);
    expect(problems({ date_add: [{ var: "slot.start" }, "3 days"] })).toEqual([
      [
        "/when/date_add/1",
        'date_add: "3 days" is not an ISO 8601 duration such as "P3D", "PT24H" or "-PT30M"',
      ],
    ]);
    expect(problems({ date_diff: [{ var: "slot.start" }, { var: "slot.end" }, "hour"] })).toEqual([
      [
        "/when/date_diff/2",
        'date_diff: unit "hour" is not one of milliseconds, seconds, minutes, hours, days, weeks (did you mean "hours"?)',
      ],
    ]);
    expect(problems({ now: ["today"] })).toEqual([["/when", "now takes no arguments, at /when"]]);
    expect(problems({ "<": [{ now: [] }, { var: "slot.start" }] })).toEqual([]);
  });

  test("a var inside a date operator is checked against the trigger's schema like any other", () => {
    expect(problems({ date_format: [{ var: "slot.strat" }, "iso"] })).toEqual([
      [
        "/when/date_format/0/var",
        'var "slot.strat" is not in the schema of inbound event "scheduling.slotBooked" (did you mean "slot.start"?)',
      ],
    ]);
  });

  test("elsewhere (a webhook's filter) the operators are checked the same way", () => {
    expect(checkLogic({ upper: [{ var: "a" }, 1] }, "/filter")).toEqual([
      { path: "/filter", message: "upper takes one value, at /filter", code: "operator" },
    ]);
  });
});
