import { describe, expect, it } from "vitest";
import { applyMapping, checkFilter, checkMapping, matchesFilter } from "./event-mapping.js";

const referral = {
  messageId: "m-1",
  messageType: "switchboard.org-a.formSubmitted",
  orgId: "org-a",
  info: { formName: "Referral", data: { patientName: "Ada Lovelace", age: 36 } },
};

describe("mappings", () => {
  it("builds a CHT-style body from dotted targets, expressions and literals", () => {
    const mapping = checkMapping({
      "patient.name": { var: "info.data.patientName" },
      "patient.age": { var: "info.data.age" },
      "patient.ward": { var: ["info.data.ward", "unknown"] },
      source: "switchboard",
      "meta.tags": ["referral", "outbound"],
      "meta.missing": { var: "info.nothing" },
    });
    expect(applyMapping(mapping, referral)).toEqual({
      ok: true,
      value: {
        patient: { name: "Ada Lovelace", age: 36, ward: "unknown" },
        source: "switchboard",
        meta: { tags: ["referral", "outbound"], missing: null },
      },
    });
  });

  it("sends the event as it is without a mapping", () => {
    expect(applyMapping(null, referral)).toEqual({ ok: true, value: referral });
  });

  it("compiles a saved mapping once and follows a reloaded one", () => {
    const first = { name: { var: "info.formName" } };
    expect(applyMapping(first, referral)).toEqual({ ok: true, value: { name: "Referral" } });
    expect(applyMapping(first, { info: { formName: "Intake" } })).toEqual({
      ok: true,
      value: { name: "Intake" },
    });
    const reloaded = { title: { var: "info.formName" } };
    expect(applyMapping(reloaded, referral)).toEqual({ ok: true, value: { title: "Referral" } });
  });

  it("returns an error value instead of throwing on a hostile event", () => {
    const mapping = checkMapping({ label: { cat: ["form ", { var: "info.x" }] } });
    // An own toString that is not a function makes string conversion throw.
    const hostile = JSON.parse('{"info": {"x": {"toString": 1, "valueOf": 2}}}');
    const result = applyMapping(mapping, hostile);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^the mapping failed on this event: /);
  });

  it("reads only the event's own data, never a prototype's", () => {
    const mapping = checkMapping({ a: { var: "info.toString" }, b: { var: "info.data.__defineGetter__" } });
    expect(applyMapping(mapping, referral)).toEqual({ ok: true, value: { a: null, b: null } });
    const proto = JSON.parse('{"__proto__": {"polluted": true}, "info": {}}');
    const copied = checkMapping({ all: { var: "" } });
    const body = applyMapping(copied, proto);
    expect(body.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses targets that reach JavaScript internals, are empty or overlap", () => {
    expect(() => checkMapping({ "__proto__.polluted": true })).toThrow(/segment "__proto__"/);
    expect(() => checkMapping(JSON.parse('{"__proto__": 1}'))).toThrow(/segment "__proto__"/);
    expect(() => checkMapping({ "a.constructor.b": 1 })).toThrow(/segment "constructor"/);
    expect(() => checkMapping({ "a.prototype": 1 })).toThrow(/segment "prototype"/);
    expect(() => checkMapping({ "a..b": 1 })).toThrow(/empty segment/);
    expect(() => checkMapping({ patient: 1, "patient.name": 2 })).toThrow(/overlap/);
    expect(() => checkMapping([])).toThrow(/must be an object/);
  });

  it("refuses values that are not hardened JSON Logic", () => {
    expect(() => checkMapping({ a: { eval: "process.exit()" } })).toThrow(/unknown operator "eval"/);
    expect(() => checkMapping({ a: { var: "info.constructor.name" } })).toThrow(/unsafe var path/);
    expect(() => checkMapping({ a: { method: [{ var: "info" }, "toString"] } })).toThrow(/unknown operator/);
  });
});

describe("filters", () => {
  const isReferral = { "==": [{ var: "info.formName" }, "Referral"] };

  it("lets events through by JSON Logic truthiness; no filter lets all through", () => {
    expect(matchesFilter(checkFilter(isReferral), referral)).toEqual({ ok: true, value: true });
    expect(matchesFilter(isReferral, { info: { formName: "Intake" } })).toEqual({ ok: true, value: false });
    expect(matchesFilter(null, referral)).toEqual({ ok: true, value: true });
    expect(matchesFilter(false, referral)).toEqual({ ok: true, value: false });
  });

  it("does not throw on events of any shape", () => {
    for (const event of [null, 42, "text", [], { info: null }, { info: { formName: 7 } }]) {
      expect(matchesFilter(isReferral, event)).toEqual({ ok: true, value: false });
    }
    // Loose equality converts the object, whose own toString is not a function: an error value.
    const odd = { info: { formName: { toString: 1 } } };
    expect(() => matchesFilter(isReferral, odd)).not.toThrow();
    expect(matchesFilter(isReferral, odd).ok).toBe(false);
    const converts = { "==": [{ cat: [{ var: "info.x" }] }, "y"] };
    const hostile = JSON.parse('{"info": {"x": {"toString": 1, "valueOf": 2}}}');
    expect(matchesFilter(converts, hostile)).toEqual({
      ok: false,
      error: expect.stringMatching(/^the filter failed/),
    });
  });

  it("refuses unknown operators and unsafe paths at save, naming where", () => {
    expect(() => checkFilter({ regex: [{ var: "info.formName" }, ".*"] })).toThrow(
      /the filter is not valid JSON Logic: unknown operator "regex" at body\/filter/,
    );
    expect(() => checkFilter({ "==": [{ var: "__proto__.x" }, 1] })).toThrow(/unsafe var path/);
  });
});
