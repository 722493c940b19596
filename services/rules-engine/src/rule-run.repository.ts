import { sql, type Kysely, type Selectable } from "kysely";
import { deleteInBatches, jsonRecords } from "@switchboard/db";
import { SCHEMA } from "./migrations.js";
import type { TriggerKind } from "./rules-engine.tables.js";
import type { RulesEngineDB } from "./rules-engine.tables.js";

/** What one rule did with one message. */
export interface RuleRun {
  id: number;
  orgId: string;
  ruleId: string;
  version: number;
  trigger: { kind: TriggerKind; name: string };
  messageId: string;
  dedupKey: string;
  status: string;
  input: unknown;
  actions: unknown;
  error: string | undefined;
  createdAt: string;
  /** When the run's payload (input, action parameters and results, dedup key) was removed. */
  payloadRemovedAt?: string;
}

export type RuleRunWrite = Omit<RuleRun, "id" | "createdAt" | "error" | "payloadRemovedAt"> & {
  error?: string | undefined;
  createdAt?: Date;
};

type Row = Selectable<RulesEngineDB["rule_runs"]>;

const RUNS = `${SCHEMA}.rule_runs`;

const toRun = (r: Row): RuleRun => ({
  id: Number(r.id),
  orgId: r.org_id,
  ruleId: r.rule_id,
  version: r.version,
  trigger: { kind: r.trigger_kind, name: r.trigger_name },
  messageId: r.message_id,
  dedupKey: r.dedup_key,
  status: r.status,
  input: r.input,
  actions: r.actions,
  error: r.error ?? undefined,
  createdAt: new Date(r.created_at).toISOString(),
  ...(r.payload_removed_at ? { payloadRemovedAt: new Date(r.payload_removed_at).toISOString() } : {}),
});

/** Records runs, in the caller's transaction (the engine writes them with the dedup record). */
export async function insertRuleRuns(db: Kysely<RulesEngineDB>, runs: RuleRunWrite[]): Promise<void> {
  await insertingRuleRuns(runs)?.execute(db);
}

/**
 * The statement insertRuleRuns runs; undefined for no runs. The rows go as one JSON parameter
 * (jsonRecords); a run without `input` records JSON null, one without `createdAt` the time of the
 * statement.
 */
export function insertingRuleRuns(runs: readonly RuleRunWrite[]) {
  if (runs.length === 0) return undefined;
  const rows = jsonRecords(
    RUNS,
    runs.map((r) => ({
      org_id: r.orgId,
      rule_id: r.ruleId,
      version: r.version,
      trigger_kind: r.trigger.kind,
      trigger_name: r.trigger.name,
      message_id: r.messageId,
      dedup_key: r.dedupKey,
      status: r.status,
      input: r.input ?? null,
      actions: r.actions ?? [],
      error: r.error ?? null,
      created_at: r.createdAt ?? null,
    })),
  );
  return sql`insert into ${sql.table(RUNS)} (org_id, rule_id, version, trigger_kind,
      trigger_name, message_id, dedup_key, status, input, actions, error, created_at)
    select org_id, rule_id, version, trigger_kind, trigger_name, message_id, dedup_key, status,
      coalesce(input, 'null'::jsonb), actions, error, coalesce(created_at, now())
    from ${rows}`;
}

/** Which of an org's runs to list: every filter given must hold; `before` pages (see listRuleRuns). */
export interface RuleRunFilter {
  ruleId?: string | undefined;
  status?: RuleRunStatus | undefined;
  /** Runs made at or after this instant. */
  from?: Date | undefined;
  /** Runs made before this instant. */
  to?: Date | undefined;
  limit: number;
  before?: number | undefined;
}

export const RULE_RUN_STATUSES = ["succeeded", "failed"] as const;
export type RuleRunStatus = (typeof RULE_RUN_STATUSES)[number];

/** An org's runs, newest first; `before` is the id of the last run of the previous page. */
export async function listRuleRuns(
  db: Kysely<RulesEngineDB>,
  orgId: string,
  filter: RuleRunFilter,
): Promise<RuleRun[]> {
  let q = db.withSchema(SCHEMA).selectFrom("rule_runs").selectAll().where("org_id", "=", orgId);
  if (filter.ruleId !== undefined) q = q.where("rule_id", "=", filter.ruleId);
  if (filter.status !== undefined) q = q.where("status", "=", filter.status);
  if (filter.from !== undefined) q = q.where("created_at", ">=", filter.from);
  if (filter.to !== undefined) q = q.where("created_at", "<", filter.to);
  if (filter.before !== undefined) q = q.where("id", "<", filter.before);
  const rows = await q.orderBy("id", "desc").limit(filter.limit).execute();
  return rows.map(toRun);
}

/**
 * Removes the payload of runs made before `before`: their input, their actions' parameters and
 * results, their dedup key (made of payload fields in key mode). What ran, when, with which outcome
 * stays, until deleteRuleRunsBefore. Returns how many runs were stripped.
 */
export async function stripRuleRunPayloadsBefore(
  db: Kysely<RulesEngineDB>,
  before: Date,
  batchSize = 5_000,
): Promise<number> {
  const runs = sql.table(RUNS);
  let total = 0;
  for (;;) {
    const result = await sql`
      update ${runs} set
        input = 'null'::jsonb,
        dedup_key = '',
        actions = (
          select coalesce(jsonb_agg(jsonb_build_object(
            'index', a -> 'index', 'type', a -> 'type', 'outcome', a -> 'outcome')), '[]'::jsonb)
          from jsonb_array_elements(case when jsonb_typeof(actions) = 'array' then actions else '[]'::jsonb end) a),
        payload_removed_at = now()
      where id = any(array(
        select id from ${runs}
        where created_at < ${before} and payload_removed_at is null
        limit ${batchSize}))`.execute(db);
    const changed = Number(result.numAffectedRows ?? 0n);
    total += changed;
    if (changed < batchSize) return total;
  }
}

/** Deletes the runs made before `before`; returns how many went. */
export function deleteRuleRunsBefore(db: Kysely<RulesEngineDB>, before: Date): Promise<number> {
  return deleteInBatches(db, SCHEMA, "rule_runs", sql`created_at < ${before}`);
}
