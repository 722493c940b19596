import type { CompiledRule, ResolvedAction } from "@switchboard/rules";
import type { TimerCancel, TimerStart } from "../timers/timer.repository.js";
import { idempotencyKeyOf, type ActionResult } from "./action-runner.js";
import type { RuleRun } from "./run-recorder.js";

/** What starting or cancelling a timer reads of the message. */
export interface TimerTrigger {
  orgId: string;
  kind: "inbound" | "event";
  name: string;
  messageId: string;
  traceId: string;
  payload: unknown;
  /** The message's time (an event's occurredAt, else when its stream stored it); timers count from it. */
  time?: Date | undefined;
  /** The rules whose pending timers this message may cancel (their `timer.cancelOn` names its trigger). */
  cancellers?: readonly CompiledRule[] | undefined;
}

/**
 * A matched rule with a timer runs nothing now: its run records the actions, resolved on this
 * message, as `scheduled` with the time they are due, and carries the timer, which the message's
 * record writes. The fired actions will use the keys shown here, `<dedupKey>/timer/<rule>@<v>/<i>`.
 */
export function scheduledRun(
  t: TimerTrigger,
  dedupKey: string,
  match: { rule: CompiledRule; actions: ResolvedAction[] },
): RuleRun {
  const { rule } = match;
  if (t.time === undefined) return { rule, status: "failed", actions: [], error: "the message has no time" };
  const schedule = rule.timer!.schedule(t.payload, t.time);
  if (!schedule.ok) return { rule, status: "failed", actions: [], error: schedule.error };
  const { dueAt, key } = schedule.value;
  const actions: ActionResult[] = match.actions.map((a) => ({
    index: a.index,
    type: a.type,
    params: a.params,
    idempotencyKey: idempotencyKeyOf(firedKeyPrefix(dedupKey), rule, a),
    ...(a.element === undefined ? {} : { element: a.element }),
    outcome: "scheduled",
    dueAt: dueAt.toISOString(),
  }));
  const timer: TimerStart = {
    orgId: t.orgId,
    ruleId: rule.id,
    version: rule.version,
    dedupKey,
    trigger: { kind: t.kind, name: t.name },
    messageId: t.messageId,
    traceId: t.traceId,
    cancelKey: key,
    baseAt: t.time,
    dueAt,
    input: t.payload,
    actions: match.actions,
  };
  return { rule, status: "succeeded", actions, timer };
}

/** What a timer's fired actions are keyed by, in place of the message's dedup key. */
export function firedKeyPrefix(dedupKey: string): string {
  return `${dedupKey}/timer`;
}

/**
 * The cancellations a message makes: for each rule whose `cancelOn` names its trigger, the key it
 * gives (none when its `when` does not hold or the key is empty). A key that cannot be evaluated
 * is that rule's failed run, recorded and dead-lettered like any rule that fails on a payload.
 */
export function cancelsOf(t: TimerTrigger): { cancels: TimerCancel[]; failures: RuleRun[] } {
  const cancels: TimerCancel[] = [];
  const failures: RuleRun[] = [];
  for (const rule of t.cancellers ?? []) {
    const found = rule.timer?.cancelOn?.keyOf(t.payload);
    if (found === undefined) continue;
    if (!found.ok)
      failures.push({ rule, status: "failed", actions: [], error: `timer.cancelOn: ${found.error}` });
    else if (found.value !== undefined && t.time !== undefined)
      cancels.push({
        orgId: t.orgId,
        ruleId: rule.id,
        cancelKey: found.value,
        messageId: t.messageId,
        occurredAt: t.time,
      });
  }
  return { cancels, failures };
}
