import { describe, expect, it } from "vitest";
import { compileRule } from "@switchboard/rules";
import { equalityGuardOf, TriggerRules } from "./rule-candidates.js";

const rule = (id: string, when: unknown) =>
  compileRule(
    {
      id,
      on: { inbound: "scheduling.slotBooked" },
      ...(when === undefined ? {} : { when }),
      actions: [{ emit: { eventType: "seen", info: { id: { var: "bookingId" } } } }],
    },
    { version: 1 },
  );

const WHENS: Record<string, unknown> = {
  status: { "==": [{ var: "status" }, "booked"] },
  strict: { "===": [{ var: ["status"] }, "cancelled"] },
  reversed: { "==": ["rescheduled", { var: "status" }] },
  nested: { "==": [{ var: "slot.location" }, "Clinic 2"] },
  element: { "==": [{ var: "tags.0" }, "urgent"] },
  andFirst: { and: [{ "==": [{ var: "status" }, "booked"] }, { "==": [{ var: "patientId" }, "ada"] }] },
  andSecond: { and: [{ "!!": [{ var: "patientId" }] }, { "==": [{ var: "status" }, "booked"] }] },
  withDefault: { "==": [{ var: ["status", "booked"] }, "booked"] },
  number: { "==": [{ var: "count" }, 5] },
  numericText: { "==": [{ var: "count" }, "5"] },
  always: undefined,
};

const PAYLOADS: unknown[] = [
  { status: "booked", patientId: "ada", slot: { location: "Clinic 2" }, tags: ["urgent"], count: 5 },
  { status: "cancelled", slot: { location: "Clinic 3" }, tags: [], count: "5" },
  { status: "rescheduled", patientId: "bob", tags: "urgent" },
  { status: 1, slot: null, count: 6 },
  { slot: { location: ["Clinic 2"] } },
  {},
  null,
  "booked",
];

describe("rule candidates", () => {
  it("reads a leading string equality on a var, and nothing else", () => {
    expect(equalityGuardOf(WHENS.status)).toEqual({ path: "status", value: "booked" });
    expect(equalityGuardOf(WHENS.reversed)).toEqual({ path: "status", value: "rescheduled" });
    expect(equalityGuardOf(WHENS.andFirst)).toEqual({ path: "status", value: "booked" });
    expect(equalityGuardOf(WHENS.andSecond)).toBeUndefined();
    expect(equalityGuardOf(WHENS.withDefault)).toBeUndefined();
    expect(equalityGuardOf(WHENS.number)).toBeUndefined();
    expect(equalityGuardOf({ "==": [{ var: "" }, "x"] })).toBeUndefined();
    expect(equalityGuardOf({ "==": [{ var: "a" }, "x", "y"] })).toBeUndefined();
  });

  it("leaves out only rules that do not match, and keeps the rules' order", () => {
    const rules = Object.entries(WHENS).map(([id, when]) => rule(id, when));
    const trigger = new TriggerRules(rules.map((r, i) => ({ rule: r, when: Object.values(WHENS)[i] })));
    for (const payload of PAYLOADS) {
      const candidates = trigger.candidates(payload);
      const matching = rules.filter((r) => r.evaluate(payload).matched);
      expect(
        matching.every((r) => candidates.includes(r)),
        JSON.stringify(payload),
      ).toBe(true);
      expect(candidates).toEqual(rules.filter((r) => candidates.includes(r)));
    }
    const booked = trigger.candidates(PAYLOADS[0]).map((r) => r.id);
    expect(booked).not.toContain("strict");
    expect(booked).not.toContain("reversed");
  });

  it("evaluates one rule among many waiting for other values", () => {
    const entries = Array.from({ length: 1_000 }, (_, n) => {
      const when = { "==": [{ var: "bookingId" }, `bk-${n}`] };
      return { rule: rule(`r${n}`, when), when };
    });
    const trigger = new TriggerRules(entries);
    expect(trigger.candidates({ bookingId: "bk-7" }).map((r) => r.id)).toEqual(["r7"]);
    expect(trigger.candidates({ bookingId: "none" })).toEqual([]);
    expect(trigger.candidates({ bookingId: 7 })).toHaveLength(1_000);
    expect(trigger.all).toHaveLength(1_000);
  });
});
