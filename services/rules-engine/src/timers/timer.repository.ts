import { sql, type Kysely, type Selectable } from "kysely";
import type { ResolvedAction } from "@switchboard/rules";
import { SCHEMA } from "../migrations.js";
import type { RulesEngineDB } from "../rules-engine.tables.js";
import type { TimerState } from "./timer.tables.js";

/** A timer a message starts, written with the message's record. */
export interface TimerStart {
  orgId: string;
  ruleId: string;
  version: number;
  /** Names the starting message in the fired actions' idempotency keys. */
  dedupKey: string;
  trigger: { kind: "inbound" | "event"; name: string };
  messageId: string;
  traceId: string;
  cancelKey: string | null;
  baseAt: Date;
  dueAt: Date;
  input: unknown;
  actions: ResolvedAction[];
}

/** A follow-up's cancellation of a rule's timers with a key, written with the follow-up's record. */
export interface TimerCancel {
  orgId: string;
  ruleId: string;
  cancelKey: string;
  messageId: string;
  occurredAt: Date;
}

/** `<dedupKey>/<ruleId>@<version>`: one timer per starting message and rule version. */
export function timerKeyOf(start: Pick<TimerStart, "dedupKey" | "ruleId" | "version">): string {
  return `${start.dedupKey}/${start.ruleId}@${start.version}`;
}

/** The insert of new timers; a redelivered message's timer is already there and stays as it is. */
export function startingTimers(db: Kysely<RulesEngineDB>, starts: readonly TimerStart[]) {
  if (starts.length === 0) return undefined;
  return db
    .withSchema(SCHEMA)
    .insertInto("rule_timers")
    .values(
      starts.map((s) => ({
        org_id: s.orgId,
        rule_id: s.ruleId,
        version: s.version,
        timer_key: timerKeyOf(s),
        dedup_key: s.dedupKey,
        trigger_kind: s.trigger.kind,
        trigger_name: s.trigger.name,
        message_id: s.messageId,
        trace_id: s.traceId,
        cancel_key: s.cancelKey,
        base_at: s.baseAt,
        due_at: s.dueAt,
        next_at: s.dueAt,
        input: JSON.stringify(s.input ?? null),
        actions: JSON.stringify(s.actions),
      })),
    )
    .onConflict((oc) => oc.columns(["org_id", "timer_key"]).doNothing());
}

/** The follow-ups, kept: a timer started later from an earlier message is cancelled when it comes due. */
export function recordingCancellations(db: Kysely<RulesEngineDB>, cancels: readonly TimerCancel[]) {
  if (cancels.length === 0) return undefined;
  return db
    .withSchema(SCHEMA)
    .insertInto("timer_cancellations")
    .values(
      cancels.map((c) => ({
        org_id: c.orgId,
        rule_id: c.ruleId,
        cancel_key: c.cancelKey,
        message_id: c.messageId,
        occurred_at: c.occurredAt,
      })),
    )
    .onConflict((oc) => oc.doNothing());
}

/**
 * Marks cancelled the pending timers the follow-ups name, started from messages up to the
 * follow-up's time. A timer being fired right now is skipped rather than waited for: it is due, so
 * the follow-up came too late for it (and if that firing fails, the kept cancellation stops it).
 */
export function cancellingTimers(cancels: readonly TimerCancel[]) {
  if (cancels.length === 0) return undefined;
  const timers = sql.table(`${SCHEMA}.rule_timers`);
  const rows = cancels.map(
    (c) =>
      sql`(${c.orgId}::text, ${c.ruleId}::text, ${c.cancelKey}::text, ${c.messageId}::text, ${c.occurredAt}::timestamptz)`,
  );
  return sql`
    update ${timers} set state = 'cancelled', finished_at = now(), finished_by = c.message_id
    from (values ${sql.join(rows)}) as c(org_id, rule_id, cancel_key, message_id, occurred_at)
    where ${timers}.id in (
      select t.id from ${timers} t
      where t.org_id = c.org_id and t.rule_id = c.rule_id and t.cancel_key = c.cancel_key
        and t.state = 'pending' and t.base_at <= c.occurred_at
      for update of t skip locked)`;
}

export type TimerRow = Selectable<RulesEngineDB["rule_timers"]>;

/** A pending timer as the list of a rule's timers shows it. */
export interface TimerView {
  id: number;
  ruleId: string;
  version: number;
  state: TimerState;
  dueAt: string;
  messageId: string;
  key: string | null;
  trigger: { kind: "inbound" | "event"; name: string };
  startedAt: string;
  attempts: number;
  lastError?: string;
  finishedAt?: string;
  cancelledBy?: string;
  actions: ResolvedAction[];
}

function toView(r: TimerRow): TimerView {
  return {
    id: Number(r.id),
    ruleId: r.rule_id,
    version: r.version,
    state: r.state,
    dueAt: new Date(r.due_at).toISOString(),
    messageId: r.message_id,
    key: r.cancel_key,
    trigger: { kind: r.trigger_kind, name: r.trigger_name },
    startedAt: new Date(r.created_at).toISOString(),
    attempts: r.attempts,
    ...(r.last_error === null ? {} : { lastError: r.last_error }),
    ...(r.finished_at === null ? {} : { finishedAt: new Date(r.finished_at).toISOString() }),
    ...(r.finished_by === null ? {} : { cancelledBy: r.finished_by }),
    actions: r.actions,
  };
}

/**
 * A rule's timers in one state, soonest due first; `after` is the id of the last timer of the
 * previous page. A pending timer that a kept cancellation already covers is not listed: it will be
 * cancelled, not fired.
 */
export async function listTimers(
  db: Kysely<RulesEngineDB>,
  orgId: string,
  ruleId: string,
  filter: { state: TimerState; limit: number; after?: { dueAt: Date; id: number } | undefined },
): Promise<TimerView[]> {
  let q = db
    .withSchema(SCHEMA)
    .selectFrom("rule_timers as t")
    .selectAll("t")
    .where("t.org_id", "=", orgId)
    .where("t.rule_id", "=", ruleId)
    .where("t.state", "=", filter.state);
  if (filter.state === "pending") q = q.where(sql<boolean>`${coveringCancellation} is null`);
  if (filter.after !== undefined) {
    const { dueAt, id } = filter.after;
    q = q.where((eb) =>
      eb.or([eb("t.due_at", ">", dueAt), eb.and([eb("t.due_at", "=", dueAt), eb("t.id", ">", id)])]),
    );
  }
  const rows = await q.orderBy("t.due_at").orderBy("t.id").limit(filter.limit).execute();
  return rows.map(toView);
}

/**
 * The follow-up that cancels timer `t`, if one is kept: same org, rule and key, at or after the
 * timer's starting message.
 */
export const coveringCancellation = sql<string | null>`(
  select c.message_id from ${sql.table(`${SCHEMA}.timer_cancellations`)} c
  where c.org_id = t.org_id and c.rule_id = t.rule_id and c.cancel_key = t.cancel_key
    and c.occurred_at >= t.base_at
  order by c.occurred_at limit 1)`;

/** The timer store's "now": the database's clock moved by `timer_clock.shift`. */
export async function timerNow(db: Kysely<RulesEngineDB>): Promise<Date> {
  const { rows } = await sql<{ now: Date }>`select ${sql.raw(SCHEMA)}.timer_now() as now`.execute(db);
  return new Date(rows[0]!.now);
}
