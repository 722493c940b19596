import { childPointer } from "./json-pointer.js";
import { isPlainObject } from "./value-preview.js";

/**
 * The JSON Logic operators a rule may use. A whitelist, not json-logic-js's table: that table is
 * global and includes `method` (calls any method of a value) and `log` (writes to the console).
 */
// prettier-ignore
export const ALLOWED_OPERATORS: readonly string[] = Object.freeze([
  "==", "===", "!=", "!==", ">", ">=", "<", "<=", "!", "!!",
  "and", "or", "if", "?:", "in", "cat", "substr",
  "+", "-", "*", "/", "%", "min", "max",
  "var", "missing", "missing_some", "merge",
  "map", "filter", "all", "none", "some", "reduce",
  // Ours (logic-extensions.ts): text case, the rule's tables, dates and the message's time.
  "upper", "lower", "lookup", "date_parse", "date_format", "date_add", "date_diff", "now",
]);

const ALLOWED = new Set(ALLOWED_OPERATORS);

export function isAllowedOperator(name: string): boolean {
  return ALLOWED.has(name);
}

/** Operators whose second argument runs once per element, with `var` reading the element. */
export const SCOPED_OPERATORS: ReadonlySet<string> = new Set([
  "map",
  "filter",
  "all",
  "none",
  "some",
  "reduce",
]);

/** Path segments that lead into JavaScript internals instead of payload data. */
export const UNSAFE_SEGMENTS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** Limits on a logic tree, so a saved rule cannot make validation or evaluation blow the stack. */
export const MAX_LOGIC_DEPTH = 32;
export const MAX_LOGIC_NODES = 2000;

/**
 * The operator of a JSON Logic node, or undefined when the value is data. As in json-logic-js,
 * an object with exactly one key is an operation (even an unknown one: that is an error, not data).
 */
export function operatorOf(node: unknown): string | undefined {
  if (!isPlainObject(node)) return undefined;
  const keys = Object.keys(node);
  return keys.length === 1 ? keys[0] : undefined;
}

export interface Args {
  values: unknown[];
  pointers: string[];
}

/** `{"op": x}` is shorthand for `{"op": [x]}`; pointers follow what the author wrote. */
export function argsOf(node: Record<string, unknown>, op: string, pointer: string): Args {
  const raw = node[op];
  const at = childPointer(pointer, op);
  if (Array.isArray(raw)) return { values: raw, pointers: raw.map((_, i) => childPointer(at, i)) };
  return { values: [raw], pointers: [at] };
}

/** A literal data path: a string, a number, or null/"" for the whole data. */
export function isLiteralPath(value: unknown): value is string | number | null {
  return value === null || typeof value === "string" || (typeof value === "number" && Number.isFinite(value));
}

/** The dotted path as json-logic-js reads it (`String(path)`), "" for the whole data. */
export function pathText(path: string | number | null | undefined): string {
  return path === null || path === undefined ? "" : String(path);
}

export function pathSegments(path: string): string[] {
  return path === "" ? [] : path.split(".");
}

export function unsafeSegment(path: string): string | undefined {
  return pathSegments(path).find((segment) => UNSAFE_SEGMENTS.has(segment));
}

/** The data paths a `missing` / `missing_some` node reads, with their pointers; undefined if computed. */
export function missingPaths(op: "missing" | "missing_some", args: Args): Args | undefined {
  if (op === "missing_some") {
    const list = args.values[1];
    if (!Array.isArray(list)) return undefined;
    const base = args.pointers[1]!;
    return { values: list, pointers: list.map((_, i) => childPointer(base, i)) };
  }
  const only = args.values[0];
  if (args.values.length === 1 && Array.isArray(only)) {
    const base = args.pointers[0]!;
    return { values: only, pointers: only.map((_, i) => childPointer(base, i)) };
  }
  return args;
}
