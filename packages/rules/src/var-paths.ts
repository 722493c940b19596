import { closest } from "./did-you-mean.js";
import { childPointer } from "./json-pointer.js";
import {
  MAX_LOGIC_DEPTH,
  SCOPED_OPERATORS,
  argsOf,
  isAllowedOperator,
  isLiteralPath,
  missingPaths,
  operatorOf,
  pathSegments,
  pathText,
  unsafeSegment,
} from "./logic-shape.js";
import { lookupPath } from "./schema-paths.js";
import type { RefResolver, RuleFindings } from "./types.js";

export interface VarPath {
  /** The dotted path as written ("" for the whole data). */
  path: string;
  /** JSON pointer to the path literal, below the `pointer` given (default: the logic itself, ""). */
  pointer: string;
  /** Inside the per-element argument of map/filter/all/none/some/reduce: reads the element, not the payload. */
  scoped: boolean;
  /** The operator that reads it. */
  operator: "var" | "missing" | "missing_some";
}

/** The literal data paths a logic tree reads (`var`, `missing`, `missing_some`); computed ones are left to checkLogic. */
export function varPaths(logic: unknown, pointer = ""): VarPath[] {
  const out: VarPath[] = [];
  collect(logic, pointer, false, 0, out);
  return out;
}

function collect(node: unknown, pointer: string, scoped: boolean, depth: number, out: VarPath[]): void {
  // Deeper trees are refused by checkLogic; stopping here keeps this safe on unchecked input.
  if (depth > MAX_LOGIC_DEPTH + 1) return;
  if (Array.isArray(node)) {
    node.forEach((item, i) => collect(item, childPointer(pointer, i), scoped, depth + 1, out));
    return;
  }
  const op = operatorOf(node);
  if (op === undefined || !isAllowedOperator(op)) return;
  const args = argsOf(node as Record<string, unknown>, op, pointer);
  if (op === "var" || op === "missing" || op === "missing_some") {
    const paths =
      op === "var"
        ? { values: args.values.slice(0, 1), pointers: args.pointers.slice(0, 1) }
        : missingPaths(op, args);
    paths?.values.forEach((path, i) => {
      if (isLiteralPath(path))
        out.push({ path: pathText(path), pointer: paths.pointers[i]!, scoped, operator: op });
    });
    // The default of var and the count of missing_some are logic of their own.
    const rest = op === "var" ? [1] : op === "missing_some" ? [0] : [];
    for (const i of rest)
      if (i < args.values.length) collect(args.values[i], args.pointers[i]!, scoped, depth + 1, out);
    return;
  }
  args.values.forEach((value, i) => {
    const perElement = SCOPED_OPERATORS.has(op) && i === 1;
    collect(value, args.pointers[i]!, scoped || perElement, depth + 1, out);
  });
}

/**
 * Every payload path (not scoped to an array element) that the schema cannot have, named with a
 * did-you-mean among its siblings, as a problem; every one that an open object admits without
 * listing it among the fields it declares, as a warning. `schemaName` finishes the messages:
 * `the schema of inbound event "x"`. Paths through unsafe segments are skipped: checkLogic refuses them.
 */
export function checkVarPaths(
  logic: unknown,
  pointer: string,
  schema: object,
  resolveRef?: RefResolver,
  schemaName = "the declared schema",
): RuleFindings {
  const found: RuleFindings = { problems: [], warnings: [] };
  for (const entry of varPaths(logic, pointer)) {
    if (entry.scoped || unsafeSegment(entry.path) !== undefined) continue;
    const segments = pathSegments(entry.path);
    const lookup = lookupPath(schema, segments, resolveRef);
    const what =
      entry.operator === "var"
        ? `var ${JSON.stringify(entry.path)}`
        : `${JSON.stringify(entry.path)} (in ${entry.operator})`;
    if (lookup.found) {
      const gap = lookup.undeclared;
      if (gap !== undefined)
        found.warnings.push({
          path: entry.pointer,
          message: `${what} is not declared in ${schemaName}${suggestion(segments, gap.at, gap.siblings)}`,
          code: "undeclared-path",
        });
      continue;
    }
    if (lookup.unresolved.length > 0) {
      const refs = lookup.unresolved.map((r) => JSON.stringify(r)).join(", ");
      const message = `cannot check ${what} against ${schemaName}: its $ref ${refs} could not be resolved`;
      found.problems.push({ path: entry.pointer, message, code: "unknown-path" });
      continue;
    }
    found.problems.push({
      path: entry.pointer,
      message: `${what} is not in ${schemaName}${suggestion(segments, lookup.at, lookup.siblings)}`,
      code: "unknown-path",
    });
  }
  return found;
}

function suggestion(segments: string[], at: number, siblings: string[]): string {
  const match = closest(segments[at]!, siblings);
  if (match === undefined) {
    if (siblings.length === 0) return "";
    const where = at === 0 ? "the payload" : JSON.stringify(segments.slice(0, at).join("."));
    const names = siblings.length > 12 ? [...siblings.slice(0, 12), "…"] : siblings;
    return `; ${where} has ${names.join(", ")}`;
  }
  const fixed = [...segments.slice(0, at), match, ...segments.slice(at + 1)].join(".");
  return ` (did you mean ${JSON.stringify(fixed)}?)`;
}
