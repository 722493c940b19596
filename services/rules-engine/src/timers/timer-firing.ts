import type { Kysely } from "kysely";
import { executeTogether } from "@switchboard/db";
import type { Logger } from "@switchboard/logger";
import { enqueuingEvents, type EventSource, type OutboxMessage } from "@switchboard/outbox";
import type { CommandCaller } from "@switchboard/runtime";
import { runActions, type ActionResult } from "../engine/action-runner.js";
import { emitted } from "../engine/run-recorder.js";
import { firedKeyPrefix } from "../engine/timer-runs.js";
import { SCHEMA } from "../migrations.js";
import { insertingRuleRuns, type RuleRunWrite } from "../rule-run.repository.js";
import type { RulesEngineDB } from "../rules-engine.tables.js";
import { lockDueTimers, updatingTimers, type DueTimer, type TimerUpdate } from "./due-timers.js";

export interface TimerFiringDeps {
  db: Kysely<RulesEngineDB>;
  source: EventSource;
  call: CommandCaller;
  logger: Logger;
  /** Attempts before a timer whose actions keep failing transiently is given up (failed). */
  maxAttempts: number;
  /** Wait before attempt n+1, by the timer store's clock: backoffMs[min(n-1, len-1)]. */
  backoffMs: readonly number[];
  /** Wakes the outbox relay after a timer's `emit` wrote an event. */
  eventsWritten(): void;
}

/** What firing one timer gives: its update, and its run when its actions ran (or were given up). */
interface Fired {
  update: TimerUpdate;
  run?: RuleRunWrite;
  events: OutboxMessage[];
}

/**
 * Fires up to `limit` due timers in one transaction that holds them locked: each due timer's
 * actions run as idempotent commands keyed by its starting message (`<dedupKey>/timer/<rule>@<v>/<i>`,
 * the keys its scheduling run shows), then its state, its rule run and the events it emits are
 * written together. Killed between acting and committing, the timers stay pending and fire again
 * elsewhere with the same keys: the services answer the first result and change nothing. Returns
 * how many timers it took.
 */
export async function fireDueTimers(deps: TimerFiringDeps, limit: number): Promise<number> {
  let wroteEvents = false;
  const taken = await deps.db.transaction().execute(async (trx) => {
    const due = await lockDueTimers(trx, limit);
    if (due.length === 0) return 0;
    const fired = await Promise.all(due.map((timer) => fire(deps, timer)));
    const events = fired.flatMap((f) => f.events);
    await executeTogether<RulesEngineDB>(
      trx,
      [
        updatingTimers(fired.map((f) => f.update)),
        insertingRuleRuns(fired.flatMap((f) => (f.run === undefined ? [] : [f.run]))),
        enqueuingEvents(SCHEMA, events, "ignore"),
      ].filter((statement) => statement !== undefined),
    );
    wroteEvents = events.length > 0;
    return due.length;
  });
  if (wroteEvents) deps.eventsWritten();
  return taken;
}

async function fire(deps: TimerFiringDeps, t: DueTimer): Promise<Fired> {
  const base = { id: Number(t.id), attempts: t.attempts, lastError: null, finishedBy: null };
  if (t.cancelled_by !== null)
    return { update: { ...base, state: "cancelled", finishedBy: t.cancelled_by }, events: [] };
  if (!t.runnable) {
    const lastError = `rule ${t.rule_id} is switched off or has no active version`;
    return { update: { ...base, state: "cancelled", lastError }, events: [] };
  }
  const rule = { id: t.rule_id, version: t.version };
  const attempts = t.attempts + 1;
  let results: ActionResult[];
  try {
    results = await runActions(
      {
        orgId: t.org_id,
        dedupKey: firedKeyPrefix(t.dedup_key),
        traceId: t.trace_id,
        call: deps.call,
        maxEventBytes: deps.source.maxEventBytes,
      },
      rule,
      t.actions,
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (attempts < deps.maxAttempts) {
      const retryInMs = deps.backoffMs[Math.min(attempts, deps.backoffMs.length) - 1] ?? 0;
      deps.logger.warn(
        { timer: base.id, ruleId: t.rule_id, attempts, reason },
        "timer's actions failed; retrying",
      );
      return { update: { ...base, state: "pending", attempts, lastError: reason, retryInMs }, events: [] };
    }
    const lastError = `gave up after ${attempts} attempts: ${reason}`;
    return {
      update: { ...base, state: "failed", attempts, lastError },
      run: runOf(t, [], lastError),
      events: [],
    };
  }
  const failed = results.find((r) => r.outcome === "failed");
  const lastError =
    failed === undefined ? null : `action ${failed.index} (${failed.type}): ${failed.error.message}`;
  const events = results
    .filter((a) => a.outcome === "emit")
    .map((action) => emitted(deps.source, { orgId: t.org_id, traceId: t.trace_id }, rule, action));
  return {
    update: { ...base, state: lastError === null ? "fired" : "failed", attempts, lastError },
    run: runOf(t, results, lastError),
    events,
  };
}

/** The rule run of a timer that fired: on its starting message, named `timer:<id>` in place of a dedup key. */
function runOf(t: DueTimer, actions: ActionResult[], error: string | null): RuleRunWrite {
  return {
    orgId: t.org_id,
    ruleId: t.rule_id,
    version: t.version,
    trigger: { kind: t.trigger_kind, name: t.trigger_name },
    messageId: t.message_id,
    dedupKey: `timer:${t.id}`,
    status: error === null ? "succeeded" : "failed",
    input: t.input,
    actions,
    error: error ?? undefined,
  };
}

export interface TimerFiring {
  stop(): Promise<void>;
}

/**
 * Every replica runs this loop: it fires what is due, at once again while batches come full, else
 * after `pollMs`. A failure (the database away) is logged and the loop goes on.
 */
export function startTimerFiring(
  deps: TimerFiringDeps,
  options: { pollMs: number; batch: number },
): TimerFiring {
  let stopped = false;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (!stopped) {
      let full = false;
      try {
        full = (await fireDueTimers(deps, options.batch)) === options.batch;
      } catch (error) {
        deps.logger.warn({ err: error }, "firing due timers failed; trying again");
      }
      if (full || stopped) continue;
      await new Promise<void>((resolve) => {
        const timeout = setTimeout(resolve, options.pollMs);
        wake = () => {
          clearTimeout(timeout);
          resolve();
        };
      });
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
