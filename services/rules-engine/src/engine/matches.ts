import type { HandlerOutcome } from "@switchboard/bus";
import type { CompiledRule, ResolvedAction } from "@switchboard/rules";
import type { CommandCaller } from "@switchboard/runtime";
import { runActions, type ActionResult } from "./action-runner.js";
import type { RuleRun } from "./run-recorder.js";
import { scheduledRun, type TimerTrigger } from "./timer-runs.js";

/** A rule whose `when` held on the payload, with its actions resolved (or why it could not be). */
export interface Match {
  rule: CompiledRule;
  actions: ResolvedAction[];
  error?: string;
}

export function evaluateRules(
  rules: readonly CompiledRule[],
  payload: unknown,
  at: number | undefined,
): Match[] {
  const matches: Match[] = [];
  for (const rule of rules) {
    const evaluation = rule.evaluate(payload, at);
    if (!evaluation.matched) continue;
    matches.push(
      "error" in evaluation
        ? { rule, actions: [], error: evaluation.error }
        : { rule, actions: evaluation.actions },
    );
  }
  return matches;
}

/** Whether any matched action calls another service now; `emit` goes to the engine's own outbox, a timer's actions run later. */
export function needsCommands(matches: Match[]): boolean {
  return matches.some(
    (m) => m.rule.timer === undefined && m.actions.some((a) => a.target.kind === "command"),
  );
}

/** Runs a match's actions; a transient failure is thrown, a permanent one fails the run. */
export async function runMatch(
  call: CommandCaller,
  t: TimerTrigger & { maxEventBytes?: number | undefined },
  dedupKey: string,
  match: Match,
): Promise<RuleRun> {
  const { rule } = match;
  if (match.error !== undefined) return { rule, status: "failed", actions: [], error: match.error };
  if (rule.timer !== undefined) return scheduledRun(t, dedupKey, match);
  const results = await runActions(
    { orgId: t.orgId, dedupKey, traceId: t.traceId, call, maxEventBytes: t.maxEventBytes },
    rule,
    match.actions,
  );
  const failed = results.find(
    (r): r is Extract<ActionResult, { outcome: "failed" }> => r.outcome === "failed",
  );
  return failed
    ? {
        rule,
        status: "failed",
        actions: results,
        error: `action ${failed.index} (${failed.type}): ${failed.error.message}`,
      }
    : { rule, status: "succeeded", actions: results };
}

/** Ack when every run succeeded, else dead-letter with each failed rule and why. */
export function outcomeOf(runs: RuleRun[]): HandlerOutcome {
  const failures = runs.filter((r) => r.status === "failed");
  if (failures.length === 0) return { kind: "ack" };
  return {
    kind: "dead",
    stage: "action-failed",
    reason: failures.map((f) => `rule ${f.rule.id}@${f.rule.version}: ${f.error}`).join("; "),
    details: failures.map((f) => ({ ruleId: f.rule.id, version: f.rule.version, error: f.error })),
  };
}
