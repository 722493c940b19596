import { describe, expect, it } from "vitest";
import { ErrorCodes } from "@switchboard/errors";
import {
  assertEventType,
  assertInboundName,
  assertNamespace,
  assertOrgId,
  isInboundName,
  isToken,
} from "./names.js";

const long = "a".repeat(65);

describe("tokens", () => {
  it.each(["hrh", "HRH-2", "org_1", "a", "a".repeat(64), "planCreated", "-_-"])("accepts %j", (value) => {
    expect(isToken(value)).toBe(true);
    expect(assertOrgId(value)).toBe(value);
    expect(assertEventType(value)).toBe(value);
    expect(assertNamespace(value)).toBe(value);
  });

  it.each([
    "",
    "a.b",
    "a b",
    " a",
    ">",
    "*",
    "org.>",
    "a*",
    long,
    "héllo",
    "组织",
    "a\n",
    "a\u0000",
    "a/b",
    "a:b",
  ])("refuses %j", (value) => {
    expect(isToken(value)).toBe(false);
    expect(() => assertOrgId(value)).toThrowError(expect.objectContaining({ code: ErrorCodes.InvalidName }));
  });

  it("refuses values that are not strings", () => {
    for (const value of [undefined, null, 42, {}, ["a"]]) {
      expect(isToken(value)).toBe(false);
      expect(() => assertOrgId(value)).toThrowError(/orgId of type/);
    }
  });

  it("names the bad value and the rule in the message", () => {
    expect(() => assertOrgId("a.b")).toThrowError(
      'orgId "a.b" is invalid: it must be 1 to 64 characters of A-Z, a-z, 0-9, "_" or "-"',
    );
    expect(() => assertEventType("plan created")).toThrowError(/event type "plan created" is invalid/);
  });

  it("cuts a huge value short in the message", () => {
    const error = (() => {
      try {
        assertOrgId("x".repeat(10_000));
      } catch (e) {
        return e as Error;
      }
      throw new Error("expected a throw");
    })();
    expect(error.name).toBe("InvalidNameError");
    expect(error.message.length).toBeLessThan(250);
    expect(error.message).toContain("(10000 characters)");
  });
});

describe("inbound names", () => {
  it.each(["slotBooked", "scheduling.slotBooked", "a.b.c.d", `${"a".repeat(64)}.b`])(
    "accepts %j",
    (value) => {
      expect(isInboundName(value)).toBe(true);
      expect(assertInboundName(value)).toBe(value);
    },
  );

  it.each([
    "",
    ".slotBooked",
    "scheduling.",
    "scheduling..slotBooked",
    "scheduling.*",
    "scheduling.>",
    "scheduling slotBooked",
    "scheduling.slötBooked",
    `${"a".repeat(65)}.b`,
    Array.from({ length: 40 }, () => "abcd").join("."),
  ])("refuses %j", (value) => {
    expect(isInboundName(value)).toBe(false);
    expect(() => assertInboundName(value)).toThrowError(
      /inbound event name .* is invalid: it must be at most 128/,
    );
  });
});
