import type { Kysely } from "kysely";
import type { RuleDocument } from "@switchboard/rules";
import { listDefinitions, type InboundDefinition } from "./inbound-definition.repository.js";
import { listRunnableRules } from "./rule.repository.js";
import type { RulesEngineDB } from "./rules-engine.tables.js";

/** What one org runs, as stored. */
export interface OrgSnapshot {
  definitions: InboundDefinition[];
  rules: { ruleId: string; version: number; document: RuleDocument }[];
}

/**
 * Reads the definitions and the active, enabled rules of one org (or all) from one snapshot, so a
 * definition and the rules that read it are seen at the same moment.
 */
export async function readRunnable(
  db: Kysely<RulesEngineDB>,
  orgId: string | undefined,
): Promise<Map<string, OrgSnapshot>> {
  const [definitions, rules] = await db
    .transaction()
    .setIsolationLevel("repeatable read")
    .execute(
      async (trx) => [await listDefinitions(trx, orgId), await listRunnableRules(trx, orgId)] as const,
    );
  const byOrg = new Map<string, OrgSnapshot>();
  const of = (org: string): OrgSnapshot => {
    let snapshot = byOrg.get(org);
    if (snapshot === undefined) byOrg.set(org, (snapshot = { definitions: [], rules: [] }));
    return snapshot;
  };
  for (const d of definitions) of(d.orgId).definitions.push(d);
  for (const r of rules)
    of(r.orgId).rules.push({ ruleId: r.ruleId, version: r.version, document: r.document });
  return byOrg;
}
