import type { TriggerView } from "./trigger-view.js";
import { didYouMean } from "./did-you-mean.js";
import { FOR_EACH, MAX_FOR_EACH, DEFAULT_FOR_EACH_MAX } from "./for-each.js";
import { childPointer, parsePointer } from "./json-pointer.js";
import { checkLogic } from "./logic-guard.js";
import { isLiteralPath, operatorOf, pathSegments, pathText } from "./logic-shape.js";
import { expressionsIn } from "./param-literals.js";
import type { RuleFindings, RuleProblem } from "./types.js";
import { isPlainObject } from "./value-preview.js";
import { checkVarPaths, varPaths } from "./var-paths.js";

/** Checks the inner action, with var paths read as an element's (item, index, payload). */
export type InnerCheck = (action: unknown, pointer: string, view: TriggerView) => RuleFindings;

const PARAMS = ["in", "key", "max", "do"];
const SCOPE = ["item", "index", "payload"];

/** Every problem of `{"forEach": {in, key, max?, do}}` at `at` (the pointer of its parameters). */
export function checkForEach(
  params: unknown,
  at: string,
  trigger: TriggerView,
  inner: InnerCheck,
): RuleFindings {
  const found: RuleFindings = { problems: [], warnings: [] };
  const problem = (path: string, message: string) => found.problems.push({ path, message, code: "action" });
  if (!isPlainObject(params)) {
    problem(at, 'the parameters of forEach must be an object: {"in": …, "key": …, "do": {…}}');
    return found;
  }
  for (const name of Object.keys(params))
    if (!PARAMS.includes(name))
      problem(
        childPointer(at, name),
        `unknown parameter ${JSON.stringify(name)} of forEach${didYouMean(name, PARAMS) || "; forEach takes in, key, max, do"}`,
      );
  for (const name of ["in", "key", "do"])
    if (!Object.hasOwn(params, name))
      problem(childPointer(at, name), `forEach needs the parameter ${JSON.stringify(name)}`);
  const max = params["max"] ?? DEFAULT_FOR_EACH_MAX;
  if (!Number.isInteger(max) || (max as number) < 1 || (max as number) > MAX_FOR_EACH)
    problem(childPointer(at, "max"), `forEach max must be a whole number from 1 to ${MAX_FOR_EACH}`);
  const listPath = checkList(params["in"], childPointer(at, "in"), trigger, found);
  if (listPath !== undefined && Number.isInteger(max)) {
    const most = maxItemsAt(trigger.schema, pathSegments(listPath));
    if (most !== undefined && most > (max as number))
      problem(
        childPointer(at, "max"),
        `the list ${JSON.stringify(listPath)} may hold ${most} elements (its schema's maxItems), more than this forEach's max of ${max as number}: raise max (up to ${MAX_FOR_EACH}) or lower maxItems`,
      );
  }
  const view = elementView(trigger, listPath);
  if (Object.hasOwn(params, "key"))
    merge(found, checkElementLogic(params["key"], childPointer(at, "key"), view));
  const action = params["do"];
  if (isPlainObject(action) && Object.hasOwn(action, FOR_EACH))
    problem(
      childPointer(childPointer(at, "do"), FOR_EACH),
      "forEach cannot run another forEach: flatten the list in the payload instead",
    );
  else if (Object.hasOwn(params, "do")) {
    merge(found, inner(action, childPointer(at, "do"), view));
    merge(found, scopeProblems(action, childPointer(at, "do")));
  }
  return found;
}

/** `in` reads the payload; when it is a plain var, its path (so elements can be checked against the schema). */
function checkList(
  logic: unknown,
  pointer: string,
  trigger: TriggerView,
  found: RuleFindings,
): string | undefined {
  if (operatorOf(logic) === undefined) {
    found.problems.push({
      path: pointer,
      message: 'forEach in must be an expression that gives a list, e.g. {"var": "patients"}',
      code: "action",
    });
    return undefined;
  }
  found.problems.push(...checkLogic(logic, pointer, trigger.logicEnv));
  if (trigger.schema !== undefined)
    merge(found, checkVarPaths(logic, pointer, trigger.schema, trigger.resolveRef, trigger.schemaName));
  const path = (logic as Record<string, unknown>)["var"];
  const plain =
    operatorOf(logic) === "var" &&
    (isLiteralPath(path) || (Array.isArray(path) && path.length === 1 && isLiteralPath(path[0])));
  return plain ? pathText((Array.isArray(path) ? path[0] : path) as string | number | null) : undefined;
}

/** Expressions in `key` (a literal key would be the same for every element: refused too). */
function checkElementLogic(value: unknown, pointer: string, view: TriggerView): RuleFindings {
  const found: RuleFindings = { problems: [], warnings: [] };
  const expressions = expressionsIn(value, pointer);
  if (expressions.length === 0)
    found.problems.push({
      path: pointer,
      message: 'forEach key must be an expression that differs per element, e.g. {"var": "item.patientId"}',
      code: "action",
    });
  for (const { logic, pointer: at } of expressions) {
    found.problems.push(...checkLogic(logic, at, view.logicEnv));
    if (view.schema !== undefined && view.mapVars !== undefined)
      merge(found, checkVarPaths(view.mapVars(logic), at, view.schema, view.resolveRef, view.schemaName));
  }
  merge(found, scopeProblems(value, pointer));
  return found;
}

/** Inside forEach, data is { item, index, payload }: a path outside them reads nothing. */
function scopeProblems(value: unknown, pointer: string): RuleFindings {
  const problems: RuleProblem[] = [];
  for (const { logic, pointer: at } of expressionsIn(value, pointer))
    for (const entry of varPaths(logic, at)) {
      const first = pathSegments(entry.path)[0];
      if (entry.scoped || first === undefined || SCOPE.includes(first)) continue;
      problems.push({
        path: entry.pointer,
        message: `inside forEach, ${entry.operator} reads item (the element), index or payload: write "item.${entry.path}" or "payload.${entry.path}"`,
        code: "unknown-path",
      });
    }
  return { problems, warnings: [] };
}

/**
 * The trigger's view for an element's expressions: var paths are checked as the payload path they
 * stand for (item.x → <list>.0.x, payload.x → x), so a typo gets the schema's did-you-mean.
 */
function elementView(trigger: TriggerView, listPath: string | undefined): TriggerView {
  const mapPath = (path: string): string => {
    const [first, ...rest] = pathSegments(path);
    if (first === "payload") return rest.join(".");
    if (first === "item" && listPath !== undefined)
      return [...pathSegments(listPath), "0", ...rest].join(".");
    return ""; // index, an item of a list the schema cannot name, or a path refused by scopeProblems
  };
  const schemaName =
    listPath === undefined ? trigger.schemaName : `${trigger.schemaName} (item is "${listPath}.0")`;
  return { ...trigger, schemaName, mapVars: (logic) => rewritePaths(logic, mapPath) };
}

/** A copy of the logic with each (unscoped) data path replaced. */
function rewritePaths(logic: unknown, mapPath: (path: string) => string): unknown {
  const copy = structuredClone(logic);
  for (const entry of varPaths(copy, "")) {
    if (entry.scoped) continue;
    const segments = parsePointer(entry.pointer)!;
    const last = segments.pop()!;
    let parent: unknown = copy;
    for (const s of segments) parent = (parent as Record<string, unknown>)[s];
    // A var written as {"var": "a.b"} has its path directly under the operator.
    if (parent !== null && typeof parent === "object")
      (parent as Record<string, unknown>)[last] = mapPath(entry.path);
  }
  return copy;
}

/** The maxItems the schema declares for the array at this path, following plain properties only. */
function maxItemsAt(schema: object | undefined, segments: string[]): number | undefined {
  let node: unknown = schema;
  for (const segment of segments) {
    const properties = isPlainObject(node) ? node["properties"] : undefined;
    if (!isPlainObject(properties) || !Object.hasOwn(properties, segment)) return undefined;
    node = properties[segment];
  }
  const most = isPlainObject(node) ? node["maxItems"] : undefined;
  return typeof most === "number" ? most : undefined;
}

function merge(into: RuleFindings, from: RuleFindings): void {
  into.problems.push(...from.problems);
  into.warnings.push(...from.warnings);
}
