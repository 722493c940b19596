import type { Result } from "@switchboard/errors";
import type { CompiledRule, ResolvedAction } from "./types.js";

export interface DryRunResult {
  /** Whether the payload satisfies its schema (always true when no validator is given). */
  valid: boolean;
  errors?: { path: string; message: string }[];
  matched: boolean;
  /** What would be sent, parameters resolved; empty when not matched. */
  actions: ResolvedAction[];
  /** Why the rule would fail at run time (a parameter of the wrong type, a condition that throws). */
  error?: string;
}

/**
 * What a rule would do with a payload, with no side effect. The payload is validated first, as
 * the engine does: an invalid payload is dead-lettered before any rule sees it, so it is
 * reported as invalid and not evaluated. `at` is the message's time, what `now` reads.
 */
export function dryRun(
  rule: CompiledRule,
  payload: unknown,
  validate?: (payload: unknown) => Result<void, { path: string; message: string }[]>,
  at?: number,
): DryRunResult {
  if (validate !== undefined) {
    const checked = validate(payload);
    if (!checked.ok) return { valid: false, errors: checked.error, matched: false, actions: [] };
  }
  const evaluation = rule.evaluate(payload, at);
  if (!evaluation.matched) return { valid: true, matched: false, actions: [] };
  if ("error" in evaluation)
    return { valid: true, matched: true, actions: evaluation.actions, error: evaluation.error };
  return { valid: true, matched: true, actions: evaluation.actions };
}
