import type { Kysely } from "kysely";
import { NotFoundError } from "@switchboard/errors";
import type { RulesEngineParts } from "./engine-parts.js";
import { withOrgConfigLock } from "./org-config-lock.js";
import { findRule, findRuleVersion, upsertRuleHead, type RuleHead } from "./rule.repository.js";
import { enabledOf, ruleState, triggerOfDocument, type RuleState } from "./rule-state.js";
import { checkRule, staleRule } from "./rule-validation.js";
import type { RulesEngineDB } from "./rules-engine.tables.js";

type Sources = Pick<RulesEngineParts, "schemas" | "eventRefs">;

/**
 * Makes a saved version the one that runs; rollback is activating an older one. The version is
 * validated again first: its trigger's schema may have changed since it was saved.
 */
export async function activateRule(
  db: Kysely<RulesEngineDB>,
  sources: Sources,
  orgId: string,
  ruleId: string,
  version: number,
  now: () => Date,
): Promise<RuleState> {
  return withOrgConfigLock(db, orgId, async (trx) => {
    const head = await requireRule(trx, orgId, ruleId);
    const saved = await findRuleVersion(trx, orgId, ruleId, version);
    if (saved === undefined)
      throw new NotFoundError(`rule ${ruleId} has no version ${version} (latest: ${head.latestVersion})`);
    const checked = await checkRule(trx, sources, orgId, saved.document);
    if (!checked.ok) throw staleRule(checked.error, `version ${version} of rule ${ruleId}`);
    const next = {
      ...head,
      activeVersion: version,
      enabled: enabledOf(saved.document),
      trigger: triggerOfDocument(saved.document),
    };
    return ruleState(await upsertRuleHead(trx, { ...next, updatedAt: now() }), version);
  });
}

/** Switches a rule on or off without a new version. Switching on checks the active version still fits. */
export async function setRuleEnabled(
  db: Kysely<RulesEngineDB>,
  sources: Sources,
  orgId: string,
  ruleId: string,
  enabled: boolean,
  now: () => Date,
): Promise<RuleState> {
  return withOrgConfigLock(db, orgId, async (trx) => {
    const head = await requireRule(trx, orgId, ruleId);
    if (enabled && head.activeVersion !== undefined) {
      const active = await findRuleVersion(trx, orgId, ruleId, head.activeVersion);
      const checked = await checkRule(trx, sources, orgId, active?.document);
      if (!checked.ok)
        throw staleRule(checked.error, `active version ${head.activeVersion} of rule ${ruleId}`);
    }
    return ruleState(await upsertRuleHead(trx, { ...head, enabled, updatedAt: now() }));
  });
}

/** Stops a rule: no version is active any more. Its versions and runs stay, and saving it again continues them. */
export async function deactivateRule(
  db: Kysely<RulesEngineDB>,
  orgId: string,
  ruleId: string,
  now: () => Date,
): Promise<RuleState> {
  return withOrgConfigLock(db, orgId, async (trx) => {
    const head = await requireRule(trx, orgId, ruleId);
    const latest = await findRuleVersion(trx, orgId, ruleId, head.latestVersion);
    const trigger = latest === undefined ? head.trigger : triggerOfDocument(latest.document);
    return ruleState(
      await upsertRuleHead(trx, {
        ...head,
        activeVersion: undefined,
        enabled: false,
        trigger,
        updatedAt: now(),
      }),
    );
  });
}

async function requireRule(db: Kysely<RulesEngineDB>, orgId: string, ruleId: string): Promise<RuleHead> {
  const head = await findRule(db, orgId, ruleId);
  if (head === undefined) throw new NotFoundError(`rule ${ruleId} does not exist`);
  return head;
}
