import jsonLogic from "json-logic-js";
import { ValidationError } from "@switchboard/errors";
import { checkLogic } from "./logic-guard.js";
import { extensionOf } from "./logic-extensions.js";
import { tableNames } from "./rule-tables.js";
import { argsOf, isLiteralPath, missingPaths, operatorOf, pathSegments, pathText } from "./logic-shape.js";
import { isPlainObject } from "./value-preview.js";

/** A compiled JSON Logic expression: data in, value out. May throw on hostile data; callers catch. */
export type Evaluator = (data: unknown) => unknown;

/**
 * What one evaluation may do: steps (an operation, an array literal, one element of reduce) and the
 * size of the values it builds (array elements and string characters,
 * counted as they are made). Content managers write the expressions; without a bound, `reduce`
 * feeding `merge` its accumulator doubles a value per element and one rule holds the process.
 */
export const EVALUATION_BUDGET = Object.freeze({ steps: 1_000_000, size: 1_000_000 });

/** An evaluation went past EVALUATION_BUDGET; it stopped there. */
export class EvaluationLimitError extends Error {
  constructor(what: "steps" | "size") {
    super(
      what === "steps"
        ? `the expression takes more than ${EVALUATION_BUDGET.steps.toLocaleString("en")} evaluation steps`
        : `the expression builds values of more than ${EVALUATION_BUDGET.size.toLocaleString("en")} elements and characters`,
    );
    this.name = "EvaluationLimitError";
  }
}

/** The budget of the evaluation running now (evaluation is synchronous: one at a time). */
let spent: { steps: number; size: number } | undefined;

function tick(): void {
  if (spent !== undefined && ++spent.steps > EVALUATION_BUDGET.steps) throw new EvaluationLimitError("steps");
}

/** Counts a value an operation built; passes it on. */
function built<T>(value: T): T {
  if (spent !== undefined && (Array.isArray(value) || typeof value === "string")) {
    spent.size += value.length;
    if (spent.size > EVALUATION_BUDGET.size) throw new EvaluationLimitError("size");
  }
  return value;
}

/** Runs `evaluate` within a budget of its own, or within the one of the evaluation it is part of. */
function budgeted(evaluate: Evaluator): Evaluator {
  return (data) => {
    if (spent !== undefined) return evaluate(data);
    spent = { steps: 0, size: 0 };
    try {
      return evaluate(data);
    } finally {
      spent = undefined;
    }
  };
}

/**
 * Compiles checked JSON Logic into closures, once, when a rule is saved or loaded.
 *
 * Why not `jsonLogic.apply(logic, payload)`: its `var` indexes data with `data[key]`, so
 * `{"var": "toString"}` or `{"var": "a.constructor"}` reach inherited JavaScript properties, and
 * `missing`, `map`, `filter`, `reduce`, `all`, `none`, `some` all read data through that `var`.
 * Here every data read is an own-property lookup, and the operators that read data or choose
 * what to evaluate (var, missing, missing_some, if, ?:, and, or, and the per-element ones) are
 * implemented in this file with json-logic-js's semantics. The others (comparison, arithmetic,
 * strings, in, merge, min, max, !, !!) are json-logic-js's own, called on values already computed
 * (see `delegated`) so that no value from the payload is ever interpreted as logic. Compiling also
 * means the tree is walked once, not per message.
 */
export function compileLogic(logic: unknown): Evaluator {
  const problems = checkLogic(logic, "", { tables: tableNames() });
  if (problems.length > 0) {
    throw new ValidationError(`cannot compile JSON Logic: ${problems.map((p) => p.message).join("; ")}`, {
      details: problems,
    });
  }
  return budgeted(compile(logic));
}

function compile(node: unknown): Evaluator {
  if (Array.isArray(node)) {
    const items = node.map(compile);
    return (data) => {
      tick();
      return built(items.map((item) => item(data)));
    };
  }
  const op = operatorOf(node);
  if (op === undefined) {
    // Data: a frozen copy, so whoever receives a resolved value cannot change the rule.
    const constant = deepFreeze(structuredClone(node));
    return () => constant;
  }
  if (!readsPayload(node)) return folded(node, op);
  // Reading the payload is cheap and bounded by it: only operations count as steps.
  if (op === "var") return compileOperation(node, op);
  return counted(compileOperation(node, op));
}

function compileOperation(node: unknown, op: string): Evaluator {
  const args = argsOf(node as Record<string, unknown>, op, "").values;
  const special = SPECIAL[op];
  if (special !== undefined) return special(args);
  const extension = extensionOf(op);
  if (extension === undefined) return delegated(op, args.map(compile));
  // Ours run on computed values, as delegated ones do: a payload value is never read as logic.
  const items = args.map(compile);
  const run = extension.bind?.(args) ?? extension.run;
  return (data) => built(run(items.map((item) => item(data))));
}

/** One step per evaluation. (What is read or passed on is not counted again: only what is built.) */
function counted(evaluate: Evaluator): Evaluator {
  return (data) => {
    tick();
    return evaluate(data);
  };
}

/**
 * An operation that reads nothing of the payload (only literals, or the elements of its own map or
 * reduce) has one value: it is computed once, when the rule is saved, within the budget. One that
 * goes past it is refused then, with a 422, rather than at every message.
 */
function folded(node: unknown, op: string): Evaluator {
  const evaluate = budgeted(counted(compileOperation(node, op)));
  let value: unknown;
  try {
    value = evaluate(null);
  } catch (error) {
    if (error instanceof EvaluationLimitError) {
      throw new ValidationError(`the "${op}" expression cannot be evaluated: ${error.message}`, {
        details: [{ path: "", message: error.message, code: "budget" }],
      });
    }
    // It throws on its literals (as json-logic-js would at run time): left to fail there, as before.
    return evaluate;
  }
  const constant = deepFreeze(value);
  return () => constant;
}

/** Whether evaluating the node reads the payload: a `var` or `missing` outside a per-element body. */
function readsPayload(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(readsPayload);
  const op = operatorOf(node);
  if (op === undefined) return false;
  if (op === "var" || op === "missing" || op === "missing_some") return true;
  // `now` reads the message's time: like the payload, it differs from one message to the next.
  if (extensionOf(op)?.readsClock === true) return true;
  const args = argsOf(node as Record<string, unknown>, op, "").values;
  // The body of a per-element operator reads the element (and reduce's accumulator), not the payload.
  if (PER_ELEMENT.has(op)) return readsPayload(args[0]) || (op === "reduce" && readsPayload(args[2]));
  return args.some(readsPayload);
}

const PER_ELEMENT = new Set(["map", "filter", "all", "none", "some", "reduce"]);

type Special = (args: unknown[]) => Evaluator;

/** JSON Logic truthiness: as JavaScript, except that an empty array is false. */
export const truthy = (value: unknown): boolean => jsonLogic.truthy(value);
const NOT_FOUND = Symbol("not found");

const SPECIAL: Record<string, Special | undefined> = Object.assign(
  Object.create(null) as Record<string, Special>,
  {
    var: compileVar,
    missing: (args: unknown[]) =>
      compileMissing(missingPaths("missing", { values: args, pointers: [] })!.values),
    missing_some: (args: unknown[]) => {
      const need = compile(args[0]);
      const paths = missingPaths("missing_some", { values: args, pointers: ["", ""] })!.values;
      const missing = compileMissing(paths);
      return (data: unknown) => {
        const absent = missing(data) as unknown[];
        return paths.length - absent.length >= (need(data) as number) ? [] : absent;
      };
    },
    if: compileIf,
    "?:": compileIf,
    and: (args: unknown[]) => {
      const items = args.map(compile);
      return (data: unknown) => {
        let current: unknown;
        for (const item of items) if (!truthy((current = item(data)))) return current;
        return current;
      };
    },
    or: (args: unknown[]) => {
      const items = args.map(compile);
      return (data: unknown) => {
        let current: unknown;
        for (const item of items) if (truthy((current = item(data)))) return current;
        return current;
      };
    },
    map: perElement((items, each) => built(items.map(each))),
    filter: perElement((items, each) => built(items.filter((item) => truthy(each(item))))),
    // json-logic-js reads `.length` of whatever it got; a non-array is taken as empty here instead of throwing.
    all: perElement((items, each) => items.length > 0 && items.every((item) => truthy(each(item))), false),
    none: perElement((items, each) => !items.some((item) => truthy(each(item))), true),
    some: perElement((items, each) => items.some((item) => truthy(each(item))), false),
    reduce: compileReduce,
  },
);

function compileVar(args: unknown[]): Evaluator {
  const path = args[0];
  const fallback = args.length > 1 ? compile(args[1]) : () => null;
  if (!isLiteralPath(path) && path !== undefined) throw new ValidationError("a var path must be a literal");
  const segments = pathSegments(pathText(path));
  return (data) => {
    const value = readPath(data, segments);
    return value === NOT_FOUND ? fallback(data) : value;
  };
}

/** Own properties only, and array elements by index: never a prototype's property. */
function readPath(data: unknown, segments: readonly string[]): unknown {
  let current = data;
  for (const segment of segments) {
    if (current === null || typeof current !== "object") return NOT_FOUND;
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(segment)) return NOT_FOUND;
      current = current[Number(segment)];
    } else {
      if (!Object.hasOwn(current, segment)) return NOT_FOUND;
      current = (current as Record<string, unknown>)[segment];
    }
    if (current === undefined) return NOT_FOUND;
  }
  return current;
}

function compileMissing(paths: unknown[]): Evaluator {
  const checks = paths.map((path) => ({
    path,
    segments: pathSegments(pathText(path as string | number | null)),
  }));
  return (data) =>
    checks
      .filter(({ segments }) => {
        const value = readPath(data, segments);
        return value === NOT_FOUND || value === null || value === "";
      })
      .map(({ path }) => path);
}

function compileIf(args: unknown[]): Evaluator {
  const items = args.map(compile);
  return (data) => {
    let i = 0;
    for (; i < items.length - 1; i += 2) if (truthy(items[i]!(data))) return items[i + 1]!(data);
    return i === items.length - 1 ? items[i]!(data) : null;
  };
}

function perElement(run: (items: unknown[], each: Evaluator) => unknown, otherwise: unknown = []): Special {
  return (args) => {
    const source = compile(args[0]);
    const each = compile(args[1]);
    return (data) => {
      const items = source(data);
      return Array.isArray(items) ? run(items, each) : otherwise;
    };
  };
}

function compileReduce(args: unknown[]): Evaluator {
  const source = compile(args[0]);
  const step = compile(args[1]);
  const initial = args.length > 2 ? compile(args[2]) : () => null;
  return (data) => {
    const items = source(data);
    const start = initial(data);
    if (!Array.isArray(items)) return start;
    return items.reduce((accumulator: unknown, current: unknown) => {
      tick();
      return step({ current, accumulator });
    }, start);
  };
}

/**
 * json-logic-js applies logic to its arguments before calling the operator, so an object among
 * them (a payload value such as `{"var": "secret"}`) would be evaluated. Objects therefore go in
 * as `{"var": "<index>"}` over the array of computed values, which returns them untouched;
 * primitives, which apply returns as they are, go in directly (that is also faster).
 */
function delegated(op: string, items: Evaluator[]): Evaluator {
  const placeholders = items.map((_, i) => Object.freeze({ var: String(i) }));
  return (data) => {
    const values = items.map((item) => item(data));
    const args = values.map((value, i) =>
      typeof value === "object" && value !== null ? placeholders[i] : value,
    );
    return built(jsonLogic.apply({ [op]: args }, values));
  };
}

function deepFreeze<T>(value: T): T {
  if (isPlainObject(value) || Array.isArray(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
