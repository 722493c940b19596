import { describe, expect, it } from "vitest";
import { payloadSchemaAjv } from "./payload-ajv.js";

describe("payload schema patterns", () => {
  const ajv = payloadSchemaAjv();

  it("run in linear time: patterns that backtrack exponentially in JavaScript answer at once", () => {
    for (const pattern of ["^(a|aa)+$", "^(a|a)*$", "^(a+)+$", "^(\\w|\\d)+$"]) {
      const validate = ajv.compile({ type: "string", pattern });
      // Thousands of characters: a backtracking engine would not finish in this test's lifetime.
      expect(validate(`${"a".repeat(5_000)}!`), pattern).toBe(false);
      expect(validate("aaaa"), pattern).toBe(true);
    }
  });

  it("keeps every pattern of a schema apart (ajv caches them by their text)", () => {
    const validate = ajv.compile({
      type: "object",
      properties: {
        digits: { type: "string", pattern: "^\\d+$" },
        letters: { type: "string", pattern: "^[a-z]+$" },
      },
      patternProperties: { "^x-": { type: "number" } },
    });
    expect(validate({ digits: "123", letters: "abc", "x-n": 1 })).toBe(true);
    expect(validate({ digits: "abc" })).toBe(false);
    expect(validate({ letters: "123" })).toBe(false);
    expect(validate({ "x-n": "not a number" })).toBe(false);
  });

  it("refuses lookaround and backreferences when the schema is compiled, saying why", () => {
    expect(() => ajv.compile({ type: "string", pattern: "^(?=a)a$" })).toThrow(
      /is not supported.*linear-time/,
    );
    expect(() => ajv.compile({ type: "object", patternProperties: { "(a)\\1": {} } })).toThrow(
      /is not supported/,
    );
  });
});
