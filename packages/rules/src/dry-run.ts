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
  /** For a rule with a timer that matched: when it would fire, and the key a follow-up cancels it by. */
  timer?: { dueAt: string; key: string | null };
}

/**
 * What a rule would do with a payload, with no side effect. The payload is validated first, as
 * the engine does: an invalid payload is dead-lettered before any rule sees it, so it is
 * reported as invalid and not evaluated. `messageTime` is the message's time: what `now` reads, and
 * for a rule with a timer, the time the engine would start it from (when it would fire is said).
 */
export function dryRun(
  rule: CompiledRule,
  payload: unknown,
  validate?: (payload: unknown) => Result<void, { path: string; message: string }[]>,
  messageTime?: Date,
): DryRunResult {
  if (validate !== undefined) {
    const checked = validate(payload);
    if (!checked.ok) return { valid: false, errors: checked.error, matched: false, actions: [] };
  }
  const evaluation = rule.evaluate(payload, messageTime?.getTime());
  if (!evaluation.matched) return { valid: true, matched: false, actions: [] };
  if ("error" in evaluation)
    return { valid: true, matched: true, actions: evaluation.actions, error: evaluation.error };
  if (rule.timer === undefined) return { valid: true, matched: true, actions: evaluation.actions };
  const started = rule.timer.schedule(payload, messageTime ?? new Date(0));
  if (!started.ok) return { valid: true, matched: true, actions: evaluation.actions, error: started.error };
  const timer = { dueAt: started.value.dueAt.toISOString(), key: started.value.key };
  return { valid: true, matched: true, actions: evaluation.actions, timer };
}
