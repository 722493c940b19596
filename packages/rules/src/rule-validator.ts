import { err, ok, ValidationError } from "@switchboard/errors";
import { ACTION_SPECS } from "./action-specs.js";
import { compileLogic } from "./logic-compiler.js";
import { compileParams } from "./param-resolver.js";
import { compileForEach } from "./for-each-compiler.js";
import { FOR_EACH, type ForEachDocument } from "./for-each.js";
import { checkAction, type TriggerView } from "./action-check.js";
import { childPointer } from "./json-pointer.js";
import { checkLogic } from "./logic-guard.js";
import { EVENT_TYPE_PATTERN, INBOUND_NAME_PATTERN, RULE_SCHEMA } from "./rule-schema.js";
import { compileSchema, describeErrors } from "./schema-errors.js";
import type {
  ActionType,
  RuleDocument,
  RuleProblem,
  RuleValidation,
  RuleWarning,
  Trigger,
  ValidationContext,
} from "./types.js";
import { isPlainObject } from "./value-preview.js";
import { checkVarPaths } from "./var-paths.js";
import { withTables, type RuleTables } from "./rule-tables.js";
import { checkTimer } from "./timer-check.js";

/**
 * Checks a rule document as a content manager saves it and returns every problem at once, each
 * with a JSON pointer: the document's shape, the trigger (declared for the org?), `when` (allowed
 * operators, safe and existing data paths) and each action (known type, its parameters, literal
 * parameter types, expressions in parameters). On success, the document without `$schema`.
 * Warnings (paths an open object does not declare) come with either answer and refuse nothing.
 */
export function validateRule(doc: unknown, ctx: ValidationContext): RuleValidation {
  if (!isPlainObject(doc))
    return {
      ...err([{ path: "", message: "a rule must be a JSON object", code: "schema" as const }]),
      warnings: [],
    };
  const problems = shapeProblems(doc);
  const warnings: RuleWarning[] = [];
  const trigger = triggerView(doc["on"], ctx, problems, tablesOf(doc));
  if (Object.hasOwn(doc, "when")) {
    problems.push(...checkLogic(doc["when"], "/when", trigger.logicEnv));
    if (trigger.schema !== undefined) {
      const { schema, resolveRef, schemaName } = trigger;
      const paths = checkVarPaths(doc["when"], "/when", schema, resolveRef, schemaName);
      problems.push(...paths.problems);
      warnings.push(...paths.warnings);
    }
  }
  if (Array.isArray(doc["actions"])) {
    doc["actions"].forEach((action, i) => {
      const found = checkAction(action, childPointer("/actions", i), trigger);
      problems.push(...found.problems);
      warnings.push(...found.warnings);
    });
  }
  if (Object.hasOwn(doc, "timer")) {
    const found = checkTimer(doc["timer"], trigger, ctx);
    problems.push(...found.problems);
    warnings.push(...found.warnings);
  }
  if (problems.length === 0) problems.push(...withTables(tablesOf(doc), () => budgetProblems(doc)));
  if (problems.length > 0) return { ...err(problems), warnings };
  const { $schema: _ignored, ...rule } = doc;
  return { ...ok(rule as unknown as RuleDocument), warnings };
}

/**
 * Compiles what the checks above passed: an expression that reads nothing of the payload is
 * computed then, and one that goes past the evaluation budget is refused now rather than at every
 * message (see EVALUATION_BUDGET).
 */
function budgetProblems(doc: Record<string, unknown>): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const attempt = (path: string, compile: () => unknown) => {
    try {
      compile();
    } catch (error) {
      if (error instanceof ValidationError) problems.push({ path, message: error.message, code: "budget" });
      else throw error;
    }
  };
  if (Object.hasOwn(doc, "when")) attempt("/when", () => compileLogic(doc["when"]));
  const actions = Array.isArray(doc["actions"]) ? (doc["actions"] as Record<string, unknown>[]) : [];
  actions.forEach((action, i) => {
    const [type] = Object.keys(action);
    if (type === FOR_EACH)
      attempt(`/actions/${i}/${type}`, () => compileForEach(action[type] as unknown as ForEachDocument, i));
    else if (type !== undefined && Object.hasOwn(ACTION_SPECS, type))
      attempt(`/actions/${i}/${type}`, () =>
        compileParams(ACTION_SPECS[type as ActionType], action[type] as Record<string, unknown>),
      );
  });
  return problems;
}

const ACTION_ITEM = /^\/actions\/\d+(\/|$)/;
const TIMER = /^\/timer(\/|$)/;

function shapeProblems(doc: Record<string, unknown>): RuleProblem[] {
  const validate = compileSchema(RULE_SCHEMA);
  if (validate(doc)) return [];
  return describeErrors(validate.errors)
    .filter((e) => !ACTION_ITEM.test(e.pointer) && !TIMER.test(e.pointer)) // checkAction, checkTimer say these better
    .map((e) => ({ path: e.pointer, message: `${nameOf(e.pointer)} ${e.message}`, code: "schema" as const }));
}

function nameOf(pointer: string): string {
  const last = pointer.slice(pointer.lastIndexOf("/") + 1);
  return pointer === "" ? "the rule" : JSON.stringify(last.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** Looks the trigger's schema up; an undeclared trigger is a problem, and its paths are then not checked. */
/** The rule's tables when they have the schema's shape (it reports them otherwise). */
function tablesOf(doc: Record<string, unknown>): RuleTables {
  const tables = doc["tables"];
  return isPlainObject(tables) && Object.values(tables).every(isPlainObject) ? (tables as RuleTables) : {};
}

function triggerView(
  on: unknown,
  ctx: ValidationContext,
  problems: RuleProblem[],
  tables: RuleTables,
): TriggerView {
  const logicEnv = { tables: Object.keys(tables) };
  const none: TriggerView = { schema: undefined, resolveRef: ctx.resolveRef, schemaName: "", logicEnv };
  const trigger = asTrigger(on);
  if (trigger === undefined) return none;
  const inbound = "inbound" in trigger;
  const name = inbound ? trigger.inbound : trigger.event;
  const what = inbound ? `inbound event ${JSON.stringify(name)}` : `system event ${JSON.stringify(name)}`;
  const schema = ctx.triggerSchema(trigger);
  if (schema === undefined) {
    const message = inbound
      ? `${what} is not declared for this org; declare it first`
      : `${what} is not a known system event type`;
    problems.push({ path: inbound ? "/on/inbound" : "/on/event", message, code: "unknown-trigger" });
    return none;
  }
  return { schema, resolveRef: ctx.resolveRef, schemaName: `the schema of ${what}`, logicEnv };
}

const INBOUND = new RegExp(INBOUND_NAME_PATTERN);
const EVENT = new RegExp(EVENT_TYPE_PATTERN);

/** The trigger, when `on` has the right shape (the schema check reports it otherwise). */
function asTrigger(on: unknown): Trigger | undefined {
  if (!isPlainObject(on) || Object.keys(on).length !== 1) return undefined;
  const { inbound, event } = on;
  if (typeof inbound === "string" && inbound.length <= 128 && INBOUND.test(inbound)) return { inbound };
  if (typeof event === "string" && EVENT.test(event)) return { event };
  return undefined;
}
