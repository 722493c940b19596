import { ValidationError } from "@switchboard/errors";
import { didYouMean } from "./did-you-mean.js";
import { parseDuration } from "./iso-duration.js";
import { childPointer } from "./json-pointer.js";
import { checkLogic } from "./logic-guard.js";
import { operatorOf } from "./logic-shape.js";
import { expressionsIn } from "./param-literals.js";
import { compileTimer, DATE_TIME } from "./rule-timer.js";
import { EVENT_TYPE_PATTERN, INBOUND_NAME_PATTERN } from "./rule-schema.js";
import type {
  RefResolver,
  RuleFindings,
  RuleProblem,
  TimerDocument,
  Trigger,
  ValidationContext,
} from "./types.js";
import { isPlainObject } from "./value-preview.js";
import { checkVarPaths } from "./var-paths.js";

/** The payload schema expressions are checked against, as the rule validator found it. */
interface Against {
  schema: object | undefined;
  resolveRef: RefResolver | undefined;
  schemaName: string;
}

const TIMER_FIELDS = ["after", "at", "offset", "key", "cancelOn"];
const CANCEL_FIELDS = ["on", "when", "key"];
const EXAMPLE = '{"after": "P3D"} or {"at": {"var": "slot.start"}, "offset": "-PT24H"}';

/**
 * Every problem and warning of a rule's `timer` at `/timer`: its fields (with a did-you-mean),
 * `after` xor `at`, the durations, its expressions (operators, and paths against the rule's
 * trigger), and `cancelOn`: a declared trigger, whose schema its `when` and `key` are read against.
 */
export function checkTimer(timer: unknown, against: Against, ctx: ValidationContext): RuleFindings {
  const found: RuleFindings = { problems: [], warnings: [] };
  const problem = (path: string, message: string, code: RuleProblem["code"] = "schema") =>
    found.problems.push({ path, message, code });
  if (!isPlainObject(timer)) {
    problem("/timer", `timer must be an object, e.g. ${EXAMPLE}`);
    return found;
  }
  unknownFields(timer, TIMER_FIELDS, "/timer", "timer", problem);
  const has = (name: string) => Object.hasOwn(timer, name);
  if (has("after") === has("at"))
    problem(
      "/timer",
      `timer needs exactly one of "after" (a duration) and "at" (a date-time), e.g. ${EXAMPLE}`,
    );
  if (has("after")) duration(timer["after"], "after", { positive: true }, problem);
  if (has("offset")) {
    if (!has("at")) problem("/timer/offset", 'timer "offset" moves "at"; it goes with "at" only');
    duration(timer["offset"], "offset", { positive: false }, problem);
  }
  if (has("at")) {
    const at = timer["at"];
    if (expressionsIn(at, "/timer/at").length === 0 && operatorOf(at) === undefined) {
      if (typeof at !== "string" || !DATE_TIME.test(at) || Number.isNaN(Date.parse(at)))
        problem(
          "/timer/at",
          `timer "at" must be a date-time with a zone ("2026-12-03T09:30:00Z") or an expression giving one, e.g. {"var": "slot.start"}`,
        );
    } else expression(at, "/timer/at", against, found);
  }
  if (has("key")) expression(timer["key"], "/timer/key", against, found);
  if (has("cancelOn")) {
    if (!has("key"))
      problem("/timer/key", 'a timer with "cancelOn" needs a "key": what a follow-up cancels it by');
    checkCancel(timer["cancelOn"], ctx, found, problem);
  }
  if (found.problems.length === 0) budget(timer as TimerDocument, problem);
  return found;
}

function checkCancel(
  cancel: unknown,
  ctx: ValidationContext,
  found: RuleFindings,
  problem: (path: string, message: string, code?: RuleProblem["code"]) => void,
): void {
  const at = "/timer/cancelOn";
  if (!isPlainObject(cancel)) {
    problem(at, 'cancelOn must be an object: {"on": {"event": "formSubmitted"}, "key": {"var": "…"}}');
    return;
  }
  unknownFields(cancel, CANCEL_FIELDS, at, "cancelOn", problem);
  if (!Object.hasOwn(cancel, "on")) problem(`${at}/on`, 'cancelOn needs "on": the follow-up\'s trigger');
  if (!Object.hasOwn(cancel, "key"))
    problem(`${at}/key`, "cancelOn needs \"key\": the follow-up's value that equals the timer's key");
  const trigger = Object.hasOwn(cancel, "on") ? triggerOf(cancel["on"], `${at}/on`, problem) : undefined;
  let against: Against = { schema: undefined, resolveRef: ctx.resolveRef, schemaName: "" };
  if (trigger !== undefined) {
    const inbound = "inbound" in trigger;
    const what = inbound
      ? `inbound event ${JSON.stringify(trigger.inbound)}`
      : `system event ${JSON.stringify(trigger.event)}`;
    const schema = ctx.triggerSchema(trigger);
    if (schema === undefined)
      problem(
        `${at}/on/${inbound ? "inbound" : "event"}`,
        inbound
          ? `${what} is not declared for this org; declare it first`
          : `${what} is not a known system event type`,
        "unknown-trigger",
      );
    else against = { schema, resolveRef: ctx.resolveRef, schemaName: `the schema of ${what}` };
  }
  if (Object.hasOwn(cancel, "when")) expression(cancel["when"], `${at}/when`, against, found, true);
  if (Object.hasOwn(cancel, "key")) expression(cancel["key"], `${at}/key`, against, found);
}

const INBOUND = new RegExp(INBOUND_NAME_PATTERN);
const EVENT = new RegExp(EVENT_TYPE_PATTERN);

function triggerOf(
  on: unknown,
  at: string,
  problem: (path: string, message: string) => void,
): Trigger | undefined {
  const shape =
    'cancelOn "on" is {"inbound": "<declared inbound event>"} or {"event": "<system event type>"}';
  if (!isPlainObject(on) || Object.keys(on).length !== 1) {
    problem(at, shape);
    return undefined;
  }
  const [name] = Object.keys(on) as [string];
  const value = on[name];
  if (name === "inbound" && typeof value === "string" && value.length <= 128 && INBOUND.test(value))
    return { inbound: value };
  if (name === "event" && typeof value === "string" && EVENT.test(value)) return { event: value };
  if (name !== "inbound" && name !== "event")
    problem(`${at}/${name}`, `${shape}${didYouMean(name, ["inbound", "event"])}`);
  else
    problem(
      `${at}/${name}`,
      `${JSON.stringify(value)} is not ${name === "inbound" ? "an inbound event name" : "an event type"}`,
    );
  return undefined;
}

function unknownFields(
  doc: Record<string, unknown>,
  known: string[],
  at: string,
  what: string,
  problem: (path: string, message: string) => void,
): void {
  for (const name of Object.keys(doc))
    if (!known.includes(name))
      problem(
        childPointer(at, name),
        `unknown field ${JSON.stringify(name)} of ${what}${didYouMean(name, known) || `; ${what} takes ${known.join(", ")}`}`,
      );
}

function duration(
  value: unknown,
  name: "after" | "offset",
  { positive }: { positive: boolean },
  problem: (path: string, message: string) => void,
): void {
  const at = `/timer/${name}`;
  if (typeof value !== "string") {
    problem(at, `timer "${name}" must be an ISO 8601 duration as a string, e.g. "P3D" or "PT24H"`);
    return;
  }
  const parsed = parseDuration(value);
  if (!parsed.ok) problem(at, parsed.error);
  else if (positive && parsed.value <= 0) problem(at, `timer "${name}" must be longer than zero`);
}

/** A value read like an action parameter (literal, expression, or a map with expressions in it). */
function expression(value: unknown, at: string, against: Against, found: RuleFindings, logic = false): void {
  const expressions = expressionsIn(value, at);
  if (expressions.length === 0 && (logic || operatorOf(value) !== undefined))
    expressions.push({ logic: value, pointer: at });
  for (const { logic: expr, pointer } of expressions) {
    const problems = checkLogic(expr, pointer);
    found.problems.push(...problems);
    if (problems.length > 0 || against.schema === undefined) continue;
    const paths = checkVarPaths(expr, pointer, against.schema, against.resolveRef, against.schemaName);
    found.problems.push(...paths.problems);
    found.warnings.push(...paths.warnings);
  }
}

/** Compiling computes what reads no payload: one past the evaluation budget is refused now. */
function budget(
  timer: TimerDocument,
  problem: (path: string, message: string, code?: RuleProblem["code"]) => void,
): void {
  try {
    compileTimer(timer);
  } catch (error) {
    if (error instanceof ValidationError) problem("/timer", error.message, "budget");
    else throw error;
  }
}
