import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "./retry-after.js";

const now = Date.parse("2026-10-21T07:28:00Z");

describe("parseRetryAfter", () => {
  it("reads delay-seconds", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter(["30", "60"], now)).toBe(30_000);
  });

  it("reads HTTP dates, in the past as 0", () => {
    expect(parseRetryAfter("Wed, 21 Oct 2026 07:30:00 GMT", now)).toBe(120_000);
    expect(parseRetryAfter("Wednesday, 21-Oct-26 07:29:00 GMT", now)).toBe(60_000);
    expect(parseRetryAfter("Wed, 21 Oct 2026 07:00:00 GMT", now)).toBe(0);
  });

  it("ignores what it cannot read", () => {
    for (const value of [undefined, "", "soon", "-5", "1.5", "12abc"])
      expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});
