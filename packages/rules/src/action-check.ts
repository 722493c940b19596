import { ACTION_SPECS, type ActionSpec } from "./action-specs.js";
import { didYouMean } from "./did-you-mean.js";
import type { TriggerView } from "./trigger-view.js";
import { FOR_EACH } from "./for-each.js";
import { nestedShapeProblems } from "./nested-action.js";
import { checkForEach } from "./for-each-check.js";
import { childPointer } from "./json-pointer.js";
import { checkLogic } from "./logic-guard.js";
import { operatorOf } from "./logic-shape.js";
import { expressionsIn, jsonType } from "./param-literals.js";
import { article, compileSchema, describeErrors } from "./schema-errors.js";
import {
  ACTION_TYPES,
  type ActionType,
  type RefResolver,
  type RuleFindings,
  type RuleProblem,
} from "./types.js";
import { checkVarPaths } from "./var-paths.js";
import { isPlainObject } from "./value-preview.js";

export type { TriggerView } from "./trigger-view.js";

/** Every problem and warning of one action document at `/actions/<index>`. */
export function checkAction(action: unknown, pointer: string, trigger: TriggerView): RuleFindings {
  const problem = (path: string, message: string, code: RuleProblem["code"] = "action"): RuleFindings => ({
    problems: [{ path, message, code }],
    warnings: [],
  });
  const example = 'e.g. {"assignForm": {…}}';
  if (!isPlainObject(action))
    return problem(pointer, `an action must be an object with one action type as its key, ${example}`);
  const keys = Object.keys(action);
  if (keys.length !== 1) {
    const found = keys.length === 0 ? "none" : keys.map((k) => JSON.stringify(k)).join(", ");
    return problem(
      pointer,
      `an action must have exactly one action type as its key (found ${found}), ${example}; write several actions as several items`,
    );
  }
  const type = keys[0]!;
  const at = childPointer(pointer, type);
  if (type === FOR_EACH) return checkForEach(action[type], at, trigger, checkAction);
  if (!(ACTION_TYPES as readonly string[]).includes(type)) {
    const known = [...ACTION_TYPES, FOR_EACH];
    const hint = didYouMean(type, known) || `; the actions are ${known.join(", ")}`;
    return problem(at, `unknown action ${JSON.stringify(type)}${hint}`);
  }
  const params = action[type];
  if (!isPlainObject(params))
    return problem(at, `the parameters of ${type} must be an object of name: value`);
  const spec = ACTION_SPECS[type as ActionType];
  const found: RuleFindings = { problems: checkParamNames(type, spec, params, at), warnings: [] };
  for (const [name, value] of Object.entries(params)) {
    const param = checkParam(spec, name, value, childPointer(at, name), trigger);
    found.problems.push(...param.problems);
    found.warnings.push(...param.warnings);
  }
  return found;
}

function checkParamNames(
  type: string,
  spec: ActionSpec,
  params: Record<string, unknown>,
  at: string,
): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const known = Object.keys(spec.params);
  for (const name of Object.keys(params)) {
    if (Object.hasOwn(spec.params, name)) continue;
    const hint = didYouMean(name, known) || `; ${type} takes ${known.join(", ")}`;
    problems.push({
      path: childPointer(at, name),
      message: `unknown parameter ${JSON.stringify(name)} of ${type}${hint}`,
      code: "action",
    });
  }
  for (const [name, param] of Object.entries(spec.params)) {
    if (param.required && !Object.hasOwn(params, name)) {
      problems.push({
        path: childPointer(at, name),
        message: `${type} needs the parameter ${JSON.stringify(name)}`,
        code: "action",
      });
    }
  }
  for (const group of spec.oneOf ?? []) {
    const given = group.filter((name) => Object.hasOwn(params, name));
    const names = group.map((n) => JSON.stringify(n)).join(" or ");
    if (given.length === 0)
      problems.push({ path: at, message: `${type} needs one of ${names}`, code: "action" });
    if (given.length > 1)
      problems.push({ path: at, message: `${type} takes only one of ${names}, not both`, code: "action" });
  }
  return problems;
}

/** A literal is type-checked now; expressions are checked as logic and their paths against the trigger's schema. */
function checkParam(
  spec: ActionSpec,
  name: string,
  value: unknown,
  pointer: string,
  trigger: TriggerView,
): RuleFindings {
  const param = spec.params[name];
  const found: RuleFindings = { problems: [], warnings: [] };
  if (param === undefined || !Object.hasOwn(spec.params, name)) return found;
  if (param.nestedAction === true)
    return nestedShapeProblems(value, pointer) ?? checkAction(value, pointer, trigger);
  const expressions = expressionsIn(value, pointer);
  const { problems, warnings } = found;
  for (const { logic, pointer: at } of expressions) {
    problems.push(...checkLogic(logic, at, trigger.logicEnv));
    if (trigger.schema === undefined) continue;
    const read = trigger.mapVars === undefined ? logic : trigger.mapVars(logic);
    const paths = checkVarPaths(read, at, trigger.schema, trigger.resolveRef, trigger.schemaName);
    problems.push(...paths.problems);
    warnings.push(...paths.warnings);
  }
  if (expressions.length === 0 && operatorOf(value) !== undefined && !allowsType(param.schema, "object")) {
    // A one-key object where no object belongs was meant as an expression: name its operator.
    problems.push(...checkLogic(value, pointer, trigger.logicEnv));
  } else if (expressions.length === 0) problems.push(...literalProblems(name, param.schema, value, pointer));
  else if (expressions[0]!.pointer !== pointer)
    problems.push(...containerProblems(name, param.schema, value, pointer));
  return found;
}

function literalProblems(name: string, schema: object, value: unknown, pointer: string): RuleProblem[] {
  const validate = compileSchema(schema);
  if (validate(value)) return [];
  return describeErrors(validate.errors).map((e) => ({
    path: pointer + e.pointer,
    message: `${name}${e.pointer.replaceAll("/", ".")} ${e.message}`,
    code: "param-type" as const,
  }));
}

/** A map or array with expressions inside can still be the wrong kind of value altogether. */
function containerProblems(name: string, schema: object, value: unknown, pointer: string): RuleProblem[] {
  const actual = jsonType(value);
  if (allowsType(schema, actual)) return [];
  const allowed = article(typesOf(schema)!.join(" or "));
  return [
    {
      path: pointer,
      message: `${name} must be ${allowed}, got ${actual === "object" ? "an object" : "an array"}`,
      code: "param-type",
    },
  ];
}

function typesOf(schema: object): string[] | undefined {
  const type = (schema as { type?: unknown }).type;
  return typeof type === "string" ? [type] : Array.isArray(type) ? (type as string[]) : undefined;
}

function allowsType(schema: object, type: string): boolean {
  const types = typesOf(schema);
  return types === undefined || types.includes(type);
}
