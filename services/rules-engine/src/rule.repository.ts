import type { Kysely, Selectable } from "kysely";
import type { RuleDocument } from "@switchboard/rules";
import { SCHEMA } from "./migrations.js";
import type { RulesEngineDB, TriggerKind } from "./rules-engine.tables.js";

export type { TriggerKind } from "./rules-engine.tables.js";

/** A rule's state: which of its versions runs, and whether it runs at all. */
export interface RuleHead {
  orgId: string;
  ruleId: string;
  enabled: boolean;
  /** Undefined until a version is activated, and again after the rule is deleted. */
  activeVersion: number | undefined;
  latestVersion: number;
  /** The active version's trigger, or the latest version's while none is active. */
  trigger: { kind: TriggerKind; name: string };
  updatedAt: string;
}

type HeadRow = Selectable<RulesEngineDB["rules"]>;

const toHead = (r: HeadRow): RuleHead => ({
  orgId: r.org_id,
  ruleId: r.rule_id,
  enabled: r.enabled,
  activeVersion: r.active_version ?? undefined,
  latestVersion: r.latest_version,
  trigger: { kind: r.trigger_kind, name: r.trigger_name },
  updatedAt: new Date(r.updated_at).toISOString(),
});

export async function findRule(
  db: Kysely<RulesEngineDB>,
  orgId: string,
  ruleId: string,
): Promise<RuleHead | undefined> {
  const row = await db
    .withSchema(SCHEMA)
    .selectFrom("rules")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("rule_id", "=", ruleId)
    .executeTakeFirst();
  return row === undefined ? undefined : toHead(row);
}

export async function listRules(db: Kysely<RulesEngineDB>, orgId: string): Promise<RuleHead[]> {
  const rows = await db
    .withSchema(SCHEMA)
    .selectFrom("rules")
    .selectAll()
    .where("org_id", "=", orgId)
    .orderBy("rule_id")
    .execute();
  return rows.map(toHead);
}

/** Rules with an active version on this trigger, enabled or not: a disabled rule may be enabled again. */
export async function activeRulesOn(
  db: Kysely<RulesEngineDB>,
  orgId: string,
  kind: TriggerKind,
  name: string,
): Promise<RuleHead[]> {
  const rows = await db
    .withSchema(SCHEMA)
    .selectFrom("rules")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("trigger_kind", "=", kind)
    .where("trigger_name", "=", name)
    .where("active_version", "is not", null)
    .orderBy("rule_id")
    .execute();
  return rows.map(toHead);
}

export interface RuleHeadWrite {
  orgId: string;
  ruleId: string;
  enabled: boolean;
  activeVersion: number | undefined;
  latestVersion: number;
  trigger: { kind: TriggerKind; name: string };
  updatedAt: Date;
}

export async function upsertRuleHead(db: Kysely<RulesEngineDB>, h: RuleHeadWrite): Promise<RuleHead> {
  const values = {
    enabled: h.enabled,
    active_version: h.activeVersion ?? null,
    latest_version: h.latestVersion,
    trigger_kind: h.trigger.kind,
    trigger_name: h.trigger.name,
    updated_at: h.updatedAt,
  };
  const row = await db
    .withSchema(SCHEMA)
    .insertInto("rules")
    .values({ org_id: h.orgId, rule_id: h.ruleId, ...values })
    .onConflict((oc) => oc.columns(["org_id", "rule_id"]).doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toHead(row);
}

/** One immutable saved document of a rule. */
export interface RuleVersion {
  ruleId: string;
  version: number;
  document: RuleDocument;
  author: string;
  createdAt: string;
}

type VersionRow = Pick<
  Selectable<RulesEngineDB["rule_versions"]>,
  "rule_id" | "version" | "document" | "author" | "created_at"
>;

const toVersion = (r: VersionRow): RuleVersion => ({
  ruleId: r.rule_id,
  version: r.version,
  document: r.document,
  author: r.author,
  createdAt: new Date(r.created_at).toISOString(),
});

export async function findRuleVersion(
  db: Kysely<RulesEngineDB>,
  orgId: string,
  ruleId: string,
  version: number,
): Promise<RuleVersion | undefined> {
  const row = await db
    .withSchema(SCHEMA)
    .selectFrom("rule_versions")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("rule_id", "=", ruleId)
    .where("version", "=", version)
    .executeTakeFirst();
  return row === undefined ? undefined : toVersion(row);
}

/** Versions in ascending order, at most `limit` of them ending before `before` (newest page first). */
export async function listRuleVersions(
  db: Kysely<RulesEngineDB>,
  orgId: string,
  ruleId: string,
  page: { limit: number; before?: number | undefined },
): Promise<RuleVersion[]> {
  let q = db
    .withSchema(SCHEMA)
    .selectFrom("rule_versions")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("rule_id", "=", ruleId);
  if (page.before !== undefined) q = q.where("version", "<", page.before);
  const rows = await q.orderBy("version", "desc").limit(page.limit).execute();
  return rows.map((r) => toVersion(r)).reverse();
}

export async function insertRuleVersion(
  db: Kysely<RulesEngineDB>,
  orgId: string,
  v: { ruleId: string; version: number; document: RuleDocument; author: string; createdAt: Date },
): Promise<RuleVersion> {
  const row = await db
    .withSchema(SCHEMA)
    .insertInto("rule_versions")
    .values({
      org_id: orgId,
      rule_id: v.ruleId,
      version: v.version,
      document: JSON.stringify(v.document),
      author: v.author,
      created_at: v.createdAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toVersion(row);
}

/** Active, enabled rules with their active documents: what the engine runs, for one org or all. */
export async function listRunnableRules(
  db: Kysely<RulesEngineDB>,
  orgId: string | undefined,
): Promise<{ orgId: string; ruleId: string; version: number; document: RuleDocument }[]> {
  let q = db
    .withSchema(SCHEMA)
    .selectFrom("rules as r")
    .innerJoin("rule_versions as v", (j) =>
      j
        .onRef("v.org_id", "=", "r.org_id")
        .onRef("v.rule_id", "=", "r.rule_id")
        .onRef("v.version", "=", "r.active_version"),
    )
    .select(["r.org_id", "r.rule_id", "v.version", "v.document"])
    .where("r.enabled", "=", true);
  if (orgId !== undefined) q = q.where("r.org_id", "=", orgId);
  const rows = await q.orderBy("r.org_id").orderBy("r.rule_id").execute();
  return rows.map((r) => ({ orgId: r.org_id, ruleId: r.rule_id, version: r.version, document: r.document }));
}
