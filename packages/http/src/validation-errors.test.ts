import { describe, expect, it } from "vitest";
import { MAX_REPORTED_ERRORS, summarize, toFieldErrors } from "./validation-errors.js";

describe("toFieldErrors", () => {
  it("points at nested and oddly named properties", () => {
    const errors = toFieldErrors(
      [
        { keyword: "required", instancePath: "/items/0", params: { missingProperty: "a/b" }, message: "x" },
        { keyword: "minimum", instancePath: "/items/1/n", params: {}, message: "must be >= 1" },
      ],
      "body",
    );
    expect(errors).toEqual([
      { path: "body/items/0/a~1b", message: "body/items/0/a~1b is required", keyword: "required" },
      { path: "body/items/1/n", message: "body/items/1/n must be >= 1", keyword: "minimum" },
    ]);
  });

  it("caps the list and says how many there were", () => {
    const issue = { keyword: "type", instancePath: "/x", params: {}, message: "must be string" };
    const many = Array.from({ length: MAX_REPORTED_ERRORS + 10 }, () => issue);
    const errors = toFieldErrors(many, "body");
    expect(errors).toHaveLength(MAX_REPORTED_ERRORS);
    expect(summarize(errors, many.length)).toMatch(/and 57 more\)$/);
  });
});
