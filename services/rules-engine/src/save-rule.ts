import type { Kysely } from "kysely";
import { canonicalJson } from "@switchboard/canonical-json";
import type { RuleDocument, RuleWarning } from "@switchboard/rules";
import type { RulesEngineParts } from "./engine-parts.js";
import { withOrgConfigLock } from "./org-config-lock.js";
import {
  findRule,
  findRuleVersion,
  insertRuleVersion,
  upsertRuleHead,
  type RuleHead,
} from "./rule.repository.js";
import { enabledOf, ruleState, triggerOfDocument, type RuleState } from "./rule-state.js";
import { checkRule, checkRuleId, invalidRule } from "./rule-validation.js";
import type { Author } from "./save-definition.js";
import type { RulesEngineDB } from "./rules-engine.tables.js";

type Sources = Pick<RulesEngineParts, "schemas" | "eventRefs">;

/** The rule's state after the save, whether a version was created, and what the author should look at. */
export type SaveRuleOutcome = RuleState & { created: boolean; warnings: RuleWarning[] };

/**
 * Saves a rule document as its next immutable version. A document equal to the latest version
 * saves nothing. The active version changes only when asked (`activate`): a saved draft does not
 * run until a content manager has dry-run and activated it. Invalid documents change nothing;
 * warnings are saved past and answered.
 */
export async function saveRule(
  db: Kysely<RulesEngineDB>,
  sources: Sources,
  author: Author,
  ruleId: string,
  body: unknown,
  options: { activate: boolean; now: () => Date },
): Promise<SaveRuleOutcome> {
  return withOrgConfigLock(db, author.orgId, async (trx) => {
    const checked = await checkRule(trx, sources, author.orgId, body);
    if (!checked.ok) throw invalidRule(checked.error);
    const same = checkRuleId(checked.value, ruleId);
    if (!same.ok) throw invalidRule(same.error);
    const document = checked.value;
    const { warnings } = checked;
    const head = await findRule(trx, author.orgId, ruleId);
    const latest =
      head === undefined ? undefined : await findRuleVersion(trx, author.orgId, ruleId, head.latestVersion);
    const identical = latest !== undefined && canonicalJson(latest.document) === canonicalJson(document);
    const version = identical ? latest.version : (head?.latestVersion ?? 0) + 1;
    if (!identical) {
      await insertRuleVersion(trx, author.orgId, {
        ruleId,
        version,
        document,
        author: author.requestedBy,
        createdAt: options.now(),
      });
    }
    if (identical && (!options.activate || head!.activeVersion === version))
      return { ...ruleState(head!, version), created: false, warnings };
    const saved = await upsertRuleHead(trx, nextHead(author.orgId, head, document, version, options));
    return { ...ruleState(saved, version), created: !identical, warnings };
  });
}

function nextHead(
  orgId: string,
  head: RuleHead | undefined,
  document: RuleDocument,
  version: number,
  options: { activate: boolean; now: () => Date },
) {
  const activeVersion = options.activate ? version : head?.activeVersion;
  const follows = options.activate || activeVersion === undefined;
  return {
    orgId,
    ruleId: document.id,
    enabled: options.activate || head === undefined ? enabledOf(document) : head.enabled,
    activeVersion,
    latestVersion: Math.max(version, head?.latestVersion ?? 0),
    // The trigger column is the one the engine runs on: it follows the document only when that runs, or nothing does.
    trigger: follows ? triggerOfDocument(document) : head!.trigger,
    updatedAt: options.now(),
  };
}
