import { ValidationError } from "@switchboard/errors";
import { ACTION_SPECS } from "./action-specs.js";
import { compileLogic, truthy, type Evaluator } from "./logic-compiler.js";
import { compileParams } from "./param-resolver.js";
import { compileForEach, type ActionResolution } from "./for-each-compiler.js";
import { FOR_EACH, type ForEachDocument } from "./for-each.js";
import { isPlainObject } from "./value-preview.js";
import { atMessageTime } from "./evaluation-clock.js";
import { withTables } from "./rule-tables.js";
import { compileTimer } from "./rule-timer.js";
import type { ActionType, CompiledRule, ResolvedAction, RuleDocument, RuleEvaluation } from "./types.js";

interface CompiledAction {
  /** As the rule run names it: the action type, or "forEach <type>". */
  type: string;
  resolve: (data: unknown) => ActionResolution;
}

/**
 * Compiles a rule once (when saved or loaded) into `evaluate`, which the engine runs per message.
 * It expects a document validateRule accepted; it still refuses unknown operators and unsafe
 * paths itself (ValidationError), so the hardening does not depend on every caller validating.
 */
export function compileRule(doc: RuleDocument, meta: { version: number }): CompiledRule {
  const { when, actions } = withTables(doc.tables, () => ({
    when: doc.when === undefined ? undefined : compileLogic(doc.when),
    actions: doc.actions.map((action, index) => compileAction(action, index)),
  }));
  const kind = "inbound" in doc.on ? "inbound" : "event";
  const name = "inbound" in doc.on ? doc.on.inbound : doc.on.event;
  return {
    id: doc.id,
    version: meta.version,
    enabled: doc.enabled ?? true,
    trigger: { kind, name },
    description: doc.description,
    evaluate: (data, at) => atMessageTime(at, () => evaluate(when, actions, data)),
    ...(doc.timer === undefined ? {} : { timer: compileTimer(doc.timer) }),
  };
}

function compileAction(action: RuleDocument["actions"][number], index: number): CompiledAction {
  const entries = Object.entries(action);
  const [type, params] = entries[0] ?? [];
  if (entries.length === 1 && type === FOR_EACH && isPlainObject(params))
    return {
      type: `${FOR_EACH} ${Object.keys(params["do"] ?? {})[0] ?? ""}`,
      resolve: compileForEach(params as unknown as ForEachDocument, index),
    };
  if (
    entries.length !== 1 ||
    !Object.hasOwn(ACTION_SPECS, type as string) ||
    typeof params !== "object" ||
    params === null
  ) {
    throw new ValidationError(`action ${index} is not one known action type with its parameters`);
  }
  const spec = ACTION_SPECS[type as ActionType];
  const resolve = compileParams(spec, params as Record<string, unknown>);
  return {
    type: type as string,
    resolve: (data) => {
      const outcome = resolve(data);
      return {
        actions: [{ index, type: type as ActionType, target: spec.target, params: outcome.params }],
        problems: outcome.ok ? [] : outcome.problems,
      };
    },
  };
}

/**
 * Never throws: a payload can make an operator throw (a value that cannot become a string, an
 * array too deep to join), and that is reported as the rule's error. A failing condition counts
 * as matched with an error and no actions, so the failure is recorded rather than read as "no".
 */
function evaluate(when: Evaluator | undefined, actions: CompiledAction[], data: unknown): RuleEvaluation {
  let holds: boolean;
  try {
    holds = when === undefined || truthy(when(data));
  } catch (error) {
    return { matched: true, error: `the condition could not be evaluated: ${reason(error)}`, actions: [] };
  }
  if (!holds) return { matched: false };
  const resolved: ResolvedAction[] = [];
  const problems: string[] = [];
  actions.forEach(({ type, resolve }, index) => {
    let outcome: ActionResolution;
    try {
      outcome = resolve(data);
    } catch (error) {
      problems.push(`action ${index} (${type}): a parameter could not be evaluated: ${reason(error)}`);
      return;
    }
    resolved.push(...outcome.actions);
    problems.push(...outcome.problems.map((p) => `action ${index} (${type}): ${p}`));
  });
  return problems.length === 0
    ? { matched: true, actions: resolved }
    : { matched: true, error: problems.join("; "), actions: resolved };
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
