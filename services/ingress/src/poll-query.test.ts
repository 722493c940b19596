import { describe, expect, it } from "vitest";
import { MAX_TYPES, parseTypes } from "./poll-query.js";

describe("poll types", () => {
  it("splits, trims and de-duplicates; absent or empty means every type", () => {
    expect(parseTypes(undefined)).toEqual([]);
    expect(parseTypes("")).toEqual([]);
    expect(parseTypes("planCreated, formSubmitted,planCreated")).toEqual(["planCreated", "formSubmitted"]);
    expect(parseTypes("slotReminderSent")).toEqual(["slotReminderSent"]); // custom types emitted by rules
  });

  it("refuses anything that is not a subject token, which could widen the filter", () => {
    for (const bad of ["a.b", "*", ">", "a,,b", "a b", "x".repeat(65)]) {
      expect(() => parseTypes(bad), bad).toThrow(expect.objectContaining({ code: "SB_ERR_INVALID_NAME" }));
    }
  });

  it("caps how many types one poll names", () => {
    const many = Array.from({ length: MAX_TYPES + 1 }, (_, i) => `t${i}`).join(",");
    expect(() => parseTypes(many)).toThrow(expect.objectContaining({ code: "SB_ERR_VALIDATION" }));
  });
});
