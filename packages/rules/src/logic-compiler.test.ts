import jsonLogic from "json-logic-js";
import { describe, expect, test } from "vitest";
import { ValidationError } from "@switchboard/errors";
import { compileLogic, EvaluationLimitError, truthy } from "./index.js";
import { deeplyNested } from "./test-fixtures.js";

const DATA = {
  status: "booked",
  n: 7,
  s: "12",
  empty: "",
  nothing: null,
  slot: { start: "2026-11-24T09:30:00Z", room: 3 },
  tags: ["urgent", "new"],
  items: [{ n: 1 }, { n: 2 }, { n: 3 }],
  numbers: [1, 2, 3, 4],
  flag: false,
};

// Every allowed operator on ordinary data: the compiled closures must agree with json-logic-js.
const CASES: unknown[] = [
  { "==": [{ var: "n" }, "7"] },
  { "===": [{ var: "n" }, 7] },
  { "!=": [{ var: "status" }, "booked"] },
  { "!==": [{ var: "s" }, 12] },
  { ">": [{ var: "n" }, 5] },
  { ">=": [{ var: "n" }, 7] },
  { "<": [1, { var: "n" }, 10] },
  { "<=": [{ var: "n" }, 6] },
  { "!": [{ var: "flag" }] },
  { "!!": [{ var: "tags" }] },
  { "!!": [[]] },
  { and: [{ var: "n" }, { var: "status" }] },
  { and: [{ var: "n" }, { var: "flag" }, { var: "status" }] },
  { or: [{ var: "flag" }, { var: "nothing" }, { var: "status" }] },
  { or: [{ var: "flag" }, 0] },
  { if: [{ var: "flag" }, "a", { var: "n" }, "b", "c"] },
  { if: [{ var: "flag" }, "a"] },
  { if: [{ var: "flag" }, "a", "b"] },
  { "?:": [{ var: "n" }, "yes", "no"] },
  { in: ["urgent", { var: "tags" }] },
  { in: ["ook", { var: "status" }] },
  { cat: ["at ", { var: "slot.start" }, " in ", { var: "slot.room" }] },
  { substr: [{ var: "slot.start" }, 0, 10] },
  { substr: [{ var: "status" }, -3] },
  { substr: [{ var: "status" }, 1, -2] },
  { "+": [{ var: "n" }, { var: "s" }, 1] },
  { "-": [{ var: "n" }, 2] },
  { "-": [{ var: "n" }] },
  { "*": [{ var: "n" }, 2] },
  { "/": [{ var: "n" }, 2] },
  { "%": [{ var: "n" }, 4] },
  { min: [{ var: "n" }, 3, 9] },
  { max: [{ var: "n" }, 3, 9] },
  { var: "slot.room" },
  { var: "tags.1" },
  { var: ["missing.path", "default"] },
  { var: ["nothing", "default"] },
  { var: "" },
  { var: 1 },
  { missing: ["status", "empty", "nothing", "absent", "slot.start"] },
  { missing: [["status", "absent"]] },
  { missing_some: [1, ["status", "absent"]] },
  { missing_some: [2, ["status", "absent", "nothing"]] },
  { merge: [{ var: "tags" }, ["x"], "y"] },
  { map: [{ var: "items" }, { "*": [{ var: "n" }, 10] }] },
  { filter: [{ var: "numbers" }, { ">": [{ var: "" }, 2] }] },
  { all: [{ var: "numbers" }, { ">": [{ var: "" }, 0] }] },
  { all: [[], true] },
  { none: [{ var: "numbers" }, { ">": [{ var: "" }, 3] }] },
  { some: [{ var: "items" }, { "==": [{ var: "n" }, 2] }] },
  { reduce: [{ var: "numbers" }, { "+": [{ var: "current" }, { var: "accumulator" }] }, 0] },
  { reduce: [{ var: "numbers" }, { "+": [{ var: "current" }, { var: "accumulator" }] }] },
  { map: [{ var: "absent" }, { var: "" }] },
  { reduce: [{ var: "absent" }, { var: "current" }, 5] },
  [{ var: "n" }, { var: "status" }],
  { "==": [{ var: "slot" }, { a: 1, b: 2 }] },
];

describe("compileLogic", () => {
  test.each(CASES.map((logic) => [JSON.stringify(logic), logic]))(
    "agrees with json-logic-js: %s",
    (_, logic) => {
      expect(compileLogic(logic)(DATA)).toEqual(jsonLogic.apply(logic, DATA));
    },
  );

  test("refuses logic that checkLogic refuses", () => {
    expect(() => compileLogic({ method: [{ var: "s" }, "toUpperCase"] })).toThrow(ValidationError);
    expect(() => compileLogic({ var: "constructor.prototype" })).toThrow(/unsafe var path/);
    expect(() => compileLogic({ var: { cat: ["a"] } })).toThrow(ValidationError);
  });

  test("never reads inherited properties, where json-logic-js does", () => {
    expect(jsonLogic.apply({ var: "toString" }, {})).toBeTypeOf("function");
    expect(compileLogic({ var: "toString" })({})).toBeNull();
    expect(compileLogic({ var: "a.hasOwnProperty" })({ a: {} })).toBeNull();
    expect(compileLogic({ var: "length" })(["a"])).toBeNull();
    expect(compileLogic({ var: ["inherited", "fallback"] })(Object.create({ inherited: 1 }))).toBe(
      "fallback",
    );
    expect(compileLogic({ missing: ["toString", "valueOf"] })({})).toEqual(["toString", "valueOf"]);
  });

  test("reads own __proto__ keys of parsed JSON as plain data only", () => {
    const payload = JSON.parse('{"__proto__": {"polluted": true}, "a": {"__proto__": {"b": 1}}}') as unknown;
    expect(compileLogic({ var: "polluted" })(payload)).toBeNull();
    expect(compileLogic({ var: "a.b" })(payload)).toBeNull();
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  test("never interprets a value from the payload as logic", () => {
    const payload = { x: { var: "secret" }, y: { method: ["a", "toUpperCase"] }, secret: "s3cret" };
    expect(compileLogic({ "==": [{ var: "x" }, "s3cret"] })(payload)).toBe(false);
    expect(compileLogic({ cat: [{ var: "y" }] })(payload)).toBe("[object Object]");
    expect(compileLogic({ merge: [{ var: "x" }] })(payload)).toEqual([{ var: "secret" }]);
  });

  test("only reads array elements by index", () => {
    expect(compileLogic({ var: "tags.1" })(DATA)).toBe("new");
    expect(compileLogic({ var: "tags.01" })(DATA)).toBeNull();
    expect(compileLogic({ var: "tags.9" })(DATA)).toBeNull();
    expect(compileLogic({ var: "status.0" })(DATA)).toBeNull();
  });

  test("short-circuits and, or and if", () => {
    // The right-hand side would throw (an object without a usable toString) if it were evaluated.
    const hostile = { bad: { toString: 1, valueOf: 1 } };
    expect(compileLogic({ and: [false, { cat: [{ var: "bad" }] }] })(hostile)).toBe(false);
    expect(compileLogic({ or: [true, { cat: [{ var: "bad" }] }] })(hostile)).toBe(true);
    expect(compileLogic({ if: [true, 1, { cat: [{ var: "bad" }] }] })(hostile)).toBe(1);
    expect(() => compileLogic({ cat: [{ var: "bad" }] })(hostile)).toThrow();
  });

  test("takes non-arrays as empty in per-element operators instead of throwing", () => {
    expect(compileLogic({ all: [{ var: "nothing" }, true] })({ nothing: null })).toBe(false);
    expect(compileLogic({ some: [{ var: "s" }, true] })({ s: "abc" })).toBe(false);
    expect(compileLogic({ none: [{ var: "nothing" }, true] })({})).toBe(true);
  });

  test("reads a path on deeply nested data without walking the rest of it", () => {
    const payload = { deep: deeplyNested(10_000), n: 1 };
    expect(compileLogic({ var: "n" })(payload)).toBe(1);
    expect(compileLogic({ var: "deep.a.a.a" })(payload)).toEqual(expect.any(Object));
  });

  test("filters an array of 200 000 elements", () => {
    const payload = { xs: Array.from({ length: 200_000 }, (_, i) => i) };
    expect(compileLogic({ filter: [{ var: "xs" }, { "<": [{ var: "" }, 3] }] })(payload)).toEqual([0, 1, 2]);
  });

  test("passes undefined to json-logic-js operators as json-logic-js itself would", () => {
    const logic = { "===": [{ and: [] }, null] };
    expect(compileLogic(logic)({})).toBe(jsonLogic.apply(logic, {}));
  });

  test("returns literals that a caller cannot modify", () => {
    const evaluate = compileLogic({ if: [true, { a: [1], b: 2 }, null] });
    const first = evaluate({}) as { a: number[] };
    expect(() => first.a.push(2)).toThrow();
    expect(evaluate({})).toEqual({ a: [1], b: 2 });
  });

  test("does not keep a reference to the caller's logic", () => {
    const logic = { "==": [{ var: "x" }, { a: 1, b: 2 }] };
    const evaluate = compileLogic(logic);
    (logic["=="][1] as { a: number }).a = 99;
    expect(evaluate({ x: 1 })).toBe(false);
    expect(Object.isFrozen(logic["=="][1])).toBe(false);
  });
});

describe("truthy", () => {
  test("is JSON Logic truthiness: an empty array is false", () => {
    expect([[], [0], 0, "", "0", null, {}].map(truthy)).toEqual([
      false,
      true,
      false,
      false,
      true,
      false,
      true,
    ]);
  });
});

describe("the evaluation budget", () => {
  const doubling = (source: unknown) => ({
    reduce: [source, { merge: [{ var: "accumulator" }, { var: "accumulator" }] }, [1]],
  });
  const range = Array.from({ length: 32 }, (_, i) => i);

  test("refuses at compile time an expression of literals that would build a value past it", () => {
    expect(() => compileLogic({ cat: [doubling(range)] })).toThrow(
      /cannot be evaluated: the expression builds values of more than 1,000,000/,
    );
  });

  test("computes an expression of literals once, when it is compiled", () => {
    const evaluate = compileLogic({ map: [[1, 2, 3], { "*": [{ var: "" }, 2] }] });
    expect(evaluate({})).toEqual([2, 4, 6]);
    expect(evaluate({ anything: true })).toEqual([2, 4, 6]);
  });

  test("stops an evaluation on the payload that builds past it, with an error naming the limit", () => {
    const evaluate = compileLogic(doubling({ var: "xs" }));
    expect(evaluate({ xs: [1, 2, 3] })).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(() => evaluate({ xs: range })).toThrow(EvaluationLimitError);
    // The next evaluation has a budget of its own.
    expect(evaluate({ xs: [1] })).toEqual([1, 1]);
  });

  test("stops nested iteration past its steps", () => {
    const rows = Array.from({ length: 2_000 }, () => Array.from({ length: 1_000 }, (_, i) => i));
    const evaluate = compileLogic({
      map: [{ var: "rows" }, { filter: [{ var: "" }, { ">": [{ var: "" }, 5] }] }],
    });
    expect(() => evaluate({ rows })).toThrow(/more than 1,000,000 evaluation steps/);
  });
});
