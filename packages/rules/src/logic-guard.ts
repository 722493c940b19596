import { didYouMean } from "./did-you-mean.js";
import { childPointer } from "./json-pointer.js";
import {
  ALLOWED_OPERATORS,
  MAX_LOGIC_DEPTH,
  MAX_LOGIC_NODES,
  SCOPED_OPERATORS,
  argsOf,
  isAllowedOperator,
  isLiteralPath,
  missingPaths,
  operatorOf,
  pathText,
  unsafeSegment,
  type Args,
} from "./logic-shape.js";
import type { CheckEnv } from "./extension-types.js";
import { checkExtension, extensionOf } from "./logic-extensions.js";
import type { RuleProblem } from "./types.js";
import { isPlainObject } from "./value-preview.js";

/** An object with exactly one key, and that key an allowed operator. */
export function isExpression(value: unknown): boolean {
  const op = operatorOf(value);
  return op !== undefined && isAllowedOperator(op);
}

/**
 * Every problem of a JSON Logic tree: unknown operators, computed or unsafe data paths, wrong
 * argument counts, and trees too deep or too large. `pointer` is where the tree sits in its document;
 * `env` names the rule's tables (none elsewhere, e.g. in a webhook's filter).
 */
export function checkLogic(logic: unknown, pointer: string, env: CheckEnv = { tables: [] }): RuleProblem[] {
  const state: WalkState = { problems: [], nodes: 0, tooLarge: false, tooDeep: false, env };
  walk(logic, pointer, 0, state);
  return state.problems;
}

interface WalkState {
  problems: RuleProblem[];
  nodes: number;
  tooLarge: boolean;
  tooDeep: boolean;
  env: CheckEnv;
}

function walk(node: unknown, pointer: string, depth: number, state: WalkState, data = false): void {
  if (!withinLimits(pointer, depth, state)) return;
  if (Array.isArray(node)) {
    node.forEach((item, i) => walk(item, childPointer(pointer, i), depth + 1, state, data));
    return;
  }
  const op = data ? undefined : operatorOf(node);
  if (op === undefined) {
    // An object that is not one operation is data (json-logic-js returns it as it is, without
    // evaluating what is inside), so its contents are only counted and bounded.
    if (isPlainObject(node)) {
      for (const [key, value] of Object.entries(node))
        walk(value, childPointer(pointer, key), depth + 1, state, true);
    }
    return;
  }
  if (!isAllowedOperator(op)) {
    state.problems.push({ path: pointer, message: unknownOperator(op, pointer), code: "operator" });
    return;
  }
  const args = argsOf(node as Record<string, unknown>, op, pointer);
  const skip = checkArgs(op, args, pointer, state.problems);
  const extension = extensionOf(op);
  if (extension !== undefined) checkExtension(op, extension, args, pointer, state.env, state.problems);
  args.values.forEach((value, i) => {
    if (!skip.has(i)) walk(value, args.pointers[i]!, depth + 1, state);
  });
}

function withinLimits(pointer: string, depth: number, state: WalkState): boolean {
  if (state.tooLarge) return false;
  if (++state.nodes > MAX_LOGIC_NODES) {
    state.tooLarge = true;
    const message = `the expression has more than ${MAX_LOGIC_NODES} values; split the rule or simplify it`;
    state.problems.push({ path: pointer, message, code: "operator" });
    return false;
  }
  if (depth > MAX_LOGIC_DEPTH) {
    // Reported once: a hostile document could otherwise produce one problem per deep branch.
    if (state.tooDeep) return false;
    state.tooDeep = true;
    const message = `the expression is nested more than ${MAX_LOGIC_DEPTH} levels deep at ${pointer}`;
    state.problems.push({ path: pointer, message, code: "operator" });
    return false;
  }
  return true;
}

function unknownOperator(op: string, pointer: string): string {
  const hint = didYouMean(op, ALLOWED_OPERATORS);
  return hint !== ""
    ? `unknown operator ${JSON.stringify(op)} at ${pointer}${hint}`
    : `unknown operator ${JSON.stringify(op)} at ${pointer}; allowed operators: ${ALLOWED_OPERATORS.join(" ")}`;
}

/** Operator-specific checks; returns the indexes of arguments that are paths, not logic to walk. */
function checkArgs(op: string, args: Args, pointer: string, problems: RuleProblem[]): Set<number> {
  const arity = (min: number, max: number, shape: string) => {
    if (args.values.length < min || args.values.length > max) {
      problems.push({ path: pointer, message: `${op} takes ${shape}, at ${pointer}`, code: "operator" });
    }
  };
  if (op === "var") {
    arity(0, 2, "a data path and an optional default");
    if (args.values.length > 0) checkPath("var", args.values[0], args.pointers[0]!, problems);
    return new Set([0]);
  }
  if (op === "missing" || op === "missing_some") {
    if (op === "missing_some") arity(2, 2, "a minimum count and an array of data paths");
    const paths = missingPaths(op, args);
    if (paths === undefined) {
      const message = `missing_some needs a literal array of data paths as its second argument, at ${pointer}`;
      problems.push({ path: args.pointers[1] ?? pointer, message, code: "unsafe-var" });
    } else {
      paths.values.forEach((path, i) => checkPath(op, path, paths.pointers[i]!, problems));
    }
    return new Set(op === "missing_some" ? [1] : args.values.map((_, i) => i));
  }
  if (op === "reduce") arity(2, 3, "an array, the logic to run per element and an optional initial value");
  else if (SCOPED_OPERATORS.has(op)) arity(2, 2, "an array and the logic to run per element");
  return new Set();
}

function checkPath(op: string, path: unknown, pointer: string, problems: RuleProblem[]): void {
  if (!isLiteralPath(path)) {
    const message =
      `the data path of ${op} at ${pointer} must be a literal string or number, not a computed value: ` +
      "a computed path cannot be checked against the schema or for unsafe segments";
    problems.push({ path: pointer, message, code: "unsafe-var" });
    return;
  }
  const text = pathText(path);
  const unsafe = unsafeSegment(text);
  if (unsafe !== undefined) {
    const message = `unsafe ${op} path ${JSON.stringify(text)} at ${pointer}: "${unsafe}" reaches JavaScript internals, not payload data`;
    problems.push({ path: pointer, message, code: "unsafe-var" });
  }
}
