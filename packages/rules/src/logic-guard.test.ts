import { describe, expect, test } from "vitest";
import { ALLOWED_OPERATORS, checkLogic, isExpression } from "./index.js";

describe("ALLOWED_OPERATORS", () => {
  test("is the whitelist: no method, no log, nothing that reaches outside the data", () => {
    expect(ALLOWED_OPERATORS).not.toContain("method");
    expect(ALLOWED_OPERATORS).not.toContain("log");
    // prettier-ignore
    expect([...ALLOWED_OPERATORS].sort()).toEqual(
      [
        "==", "===", "!=", "!==", ">", ">=", "<", "<=", "!", "!!", "and", "or", "if", "?:", "in", "cat", "substr",
        "+", "-", "*", "/", "%", "min", "max", "var", "missing", "missing_some", "merge",
        "map", "filter", "all", "none", "some", "reduce",
        "upper", "lower", "lookup", "date_parse", "date_format", "date_add", "date_diff", "now",
      ].sort(),
    );
  });

  test("cannot be changed by a caller", () => {
    expect(() => (ALLOWED_OPERATORS as string[]).push("method")).toThrow();
  });
});

describe("isExpression", () => {
  test("is an object with exactly one key that is an allowed operator", () => {
    expect(isExpression({ var: "a" })).toBe(true);
    expect(isExpression({ "==": [1, 1] })).toBe(true);
    expect(isExpression({ method: ["a", "toUpperCase"] })).toBe(false);
    expect(isExpression({ templateName: "maternity-care" })).toBe(false);
    expect(isExpression({ var: "a", other: 1 })).toBe(false);
    expect(isExpression({})).toBe(false);
    expect(isExpression([{ var: "a" }])).toBe(false);
    expect(isExpression("var")).toBe(false);
    expect(isExpression(null)).toBe(false);
  });

  test("does not take inherited names for operators", () => {
    expect(isExpression(JSON.parse('{"__proto__": 1}'))).toBe(false);
    expect(isExpression({ toString: 1 })).toBe(false);
  });
});

describe("checkLogic", () => {
  test("accepts the usual expressions of a content manager", () => {
    const logic = {
      and: [
        { "==": [{ var: "status" }, "booked"] },
        { in: [{ var: "slot.location" }, ["Room 1", "Room 3"]] },
        { "!": { missing: ["patientId", "slot.start"] } },
        { some: [{ var: "tags" }, { "==": [{ var: "" }, "urgent"] }] },
        { if: [{ ">": [{ var: ["count", 0] }, 2] }, true, false] },
        { reduce: [{ var: "items" }, { "+": [{ var: "current" }, { var: "accumulator" }] }, 0] },
        { "==": [{ missing_some: [1, ["a", "b"]] }, []] },
      ],
    };
    expect(checkLogic(logic, "/when")).toEqual([]);
  });

  test("names an unknown operator and where it is", () => {
    expect(checkLogic({ method: [{ var: "name" }, "toUpperCase"] }, "/when")).toEqual([
      expect.objectContaining({
        path: "/when",
        code: "operator",
        message: expect.stringContaining('unknown operator "method" at /when'),
      }),
    ]);
    const [log] = checkLogic({ and: [true, { log: "x" }] }, "/when");
    expect(log).toMatchObject({ path: "/when/and/1", code: "operator" });
    expect(log!.message).toContain('unknown operator "log" at /when/and/1');
  });

  test("suggests the operator that was probably meant, or lists the allowed ones", () => {
    expect(checkLogic({ mising: ["a"] }, "/when")[0]!.message).toContain('(did you mean "missing"?)');
    expect(checkLogic({ frobnicate: [] }, "/when")[0]!.message).toContain("allowed operators: == === != !==");
  });

  test("escapes operator names in pointers", () => {
    expect(checkLogic({ "/": [1, { bad: 1 }] }, "/when")[0]!.path).toBe("/when/~1/1");
  });

  test("refuses var paths into JavaScript internals", () => {
    for (const path of ["__proto__", "constructor.prototype", "a.__proto__.b", "x.prototype"]) {
      const problems = checkLogic({ "==": [{ var: path }, 1] }, "/when");
      expect(problems).toEqual([expect.objectContaining({ path: "/when/==/0/var", code: "unsafe-var" })]);
      expect(problems[0]!.message).toContain(`unsafe var path ${JSON.stringify(path)}`);
    }
    expect(checkLogic({ var: ["constructor", "x"] }, "")).toEqual([
      expect.objectContaining({ path: "/var/0", code: "unsafe-var" }),
    ]);
  });

  test("refuses unsafe paths in missing and missing_some too", () => {
    expect(checkLogic({ missing: ["a", "__proto__"] }, "")).toEqual([
      expect.objectContaining({ path: "/missing/1", code: "unsafe-var" }),
    ]);
    expect(checkLogic({ missing: [["constructor"]] }, "")).toEqual([
      expect.objectContaining({ path: "/missing/0/0", code: "unsafe-var" }),
    ]);
    expect(checkLogic({ missing_some: [1, ["a", "prototype"]] }, "")).toEqual([
      expect.objectContaining({ path: "/missing_some/1/1", code: "unsafe-var" }),
    ]);
  });

  test("refuses a computed var path: it could not be checked for safety or against the schema", () => {
    const problems = checkLogic({ var: { cat: ["con", "structor"] } }, "/when");
    expect(problems).toEqual([expect.objectContaining({ path: "/when/var", code: "unsafe-var" })]);
    expect(problems[0]!.message).toContain("must be a literal string or number");
    expect(checkLogic({ missing: { merge: [["a"]] } }, "")).toEqual([
      expect.objectContaining({ code: "unsafe-var" }),
    ]);
  });

  test("checks the default of var and the logic inside scoped operators", () => {
    expect(checkLogic({ var: ["a", { method: [] }] }, "")).toEqual([
      expect.objectContaining({ path: "/var/1" }),
    ]);
    expect(checkLogic({ map: [{ var: "items" }, { var: "__proto__" }] }, "")).toEqual([
      expect.objectContaining({ path: "/map/1/var", code: "unsafe-var" }),
    ]);
  });

  test("checks the argument count of var and the per-element operators", () => {
    expect(checkLogic({ var: ["a", 1, 2] }, "")[0]!.message).toContain(
      "var takes a data path and an optional default",
    );
    expect(checkLogic({ map: [[1, 2]] }, "")[0]!.message).toContain(
      "map takes an array and the logic to run per element",
    );
    expect(checkLogic({ reduce: [[1], { var: "current" }, 0, 1] }, "")[0]!.message).toContain("reduce takes");
  });

  test("treats objects with several keys as data, as json-logic-js does, without looking for operators inside", () => {
    expect(checkLogic({ "==": [{ var: "x" }, { a: 1, method: { b: 2 } }] }, "")).toEqual([]);
  });

  test("refuses logic nested more than 32 levels, once", () => {
    let deep: unknown = { var: "a" };
    for (let i = 0; i < 40; i++) deep = { "!": [deep] };
    const problems = checkLogic(deep, "/when");
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain("nested more than 32 levels");
  });

  test("does not overflow the stack on logic nested 10000 levels", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = { "!": [deep] };
    expect(checkLogic(deep, "")).toHaveLength(1);
  });

  test("refuses expressions of more than 2000 values", () => {
    const big = { in: [{ var: "code" }, Array.from({ length: 2500 }, (_, i) => `c${i}`)] };
    const problems = checkLogic(big, "/when");
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain("more than 2000 values");
    expect(checkLogic({ in: [{ var: "code" }, Array.from({ length: 1000 }, (_, i) => i)] }, "")).toEqual([]);
  });

  test("accepts literals as logic", () => {
    expect(checkLogic(true, "/when")).toEqual([]);
    expect(checkLogic(null, "/when")).toEqual([]);
    expect(checkLogic([1, "a"], "/when")).toEqual([]);
  });
});
