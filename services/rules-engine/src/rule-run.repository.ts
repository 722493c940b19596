import type { Kysely } from "kysely";
import { SCHEMA } from "./migrations.js";
import type { TriggerKind } from "./rule.repository.js";

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
}

export type RuleRunWrite = Omit<RuleRun, "id" | "createdAt" | "error"> & {
  error?: string | undefined;
  createdAt?: Date;
};

type Row = {
  id: number | bigint | string;
  org_id: string;
  rule_id: string;
  version: number;
  trigger_kind: TriggerKind;
  trigger_name: string;
  message_id: string;
  dedup_key: string;
  status: string;
  input: unknown;
  actions: unknown;
  error: string | null;
  created_at: Date | string;
};

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
});

/** Records runs, in the caller's transaction (the engine writes them with the dedup record). */
export async function insertRuleRuns(db: Kysely<any>, runs: RuleRunWrite[]): Promise<RuleRun[]> {
  if (runs.length === 0) return [];
  const rows = await db
    .withSchema(SCHEMA)
    .insertInto("rule_runs")
    .values(
      runs.map((r) => ({
        org_id: r.orgId,
        rule_id: r.ruleId,
        version: r.version,
        trigger_kind: r.trigger.kind,
        trigger_name: r.trigger.name,
        message_id: r.messageId,
        dedup_key: r.dedupKey,
        status: r.status,
        input: JSON.stringify(r.input ?? null),
        actions: JSON.stringify(r.actions ?? []),
        error: r.error ?? null,
        ...(r.createdAt === undefined ? {} : { created_at: r.createdAt }),
      })),
    )
    .returningAll()
    .execute();
  return rows.map((r) => toRun(r as Row));
}

/** An org's runs, newest first; `before` is the id of the last run of the previous page. */
export async function listRuleRuns(
  db: Kysely<any>,
  orgId: string,
  filter: { ruleId?: string | undefined; limit: number; before?: number | undefined },
): Promise<RuleRun[]> {
  let q = db.withSchema(SCHEMA).selectFrom("rule_runs").selectAll().where("org_id", "=", orgId);
  if (filter.ruleId !== undefined) q = q.where("rule_id", "=", filter.ruleId);
  if (filter.before !== undefined) q = q.where("id", "<", filter.before);
  const rows = await q.orderBy("id", "desc").limit(filter.limit).execute();
  return rows.map((r) => toRun(r as Row));
}
