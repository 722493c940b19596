import type { Logger } from "@switchboard/logger";
import { compileRule, type CompiledRule, type DedupSpec } from "@switchboard/rules";
import { compilePayloadSchema, type PayloadValidator } from "./payload-schema.js";
import { TriggerRules } from "./rule-candidates.js";
import type { OrgSnapshot } from "./runnable-rules.js";

/** A declared inbound event as the engine uses it: validator compiled, dedup spec parsed. */
export interface IndexedDefinition {
  name: string;
  version: number;
  validate: PayloadValidator;
  dedup: DedupSpec;
}

/** One org's part of the index. */
export interface OrgRules {
  definitions: Map<string, IndexedDefinition & { stamp: string }>;
  /** Keyed `<kind>:<name>`; each list is frozen, callers share it. */
  rules: Map<string, TriggerRules>;
  byRule: Map<string, CompiledRule>;
  /** Rules with a timer, keyed `<kind>:<name>` of the follow-up that cancels their timers. */
  cancellers: Map<string, CompiledRule[]>;
}

/**
 * Compiles an org's snapshot, reusing what `previous` already compiled. Something stored that no
 * longer compiles (it compiled when saved) is left out and logged rather than stopping the org.
 */
export function buildOrgRules(
  orgId: string,
  snapshot: OrgSnapshot,
  previous: OrgRules | undefined,
  logger: Logger,
): OrgRules {
  const definitions = new Map<string, IndexedDefinition & { stamp: string }>();
  for (const d of snapshot.definitions) {
    // A definition deleted and declared again restarts at version 1: the time tells them apart.
    const stamp = `${d.version}@${d.updatedAt}`;
    const known = previous?.definitions.get(d.name);
    if (known?.stamp === stamp) {
      definitions.set(d.name, known);
      continue;
    }
    const compiled = compilePayloadSchema(d.schema);
    if (!compiled.ok)
      logger.error(
        { orgId, inbound: d.name, version: d.version, reason: compiled.error },
        "stored inbound schema does not compile",
      );
    else
      definitions.set(d.name, {
        name: d.name,
        version: d.version,
        validate: compiled.value,
        dedup: d.dedup,
        stamp,
      });
  }
  const byRule = new Map<string, CompiledRule>();
  const lists = new Map<string, { rule: CompiledRule; when: unknown }[]>();
  for (const r of snapshot.rules) {
    const compiled = reuseOrCompile(previous?.byRule.get(r.ruleId), r, orgId, logger);
    if (compiled === undefined) continue;
    byRule.set(r.ruleId, compiled);
    const key = `${compiled.trigger.kind}:${compiled.trigger.name}`;
    let list = lists.get(key);
    if (list === undefined) lists.set(key, (list = []));
    list.push({ rule: compiled, when: r.document.when });
  }
  const rules = new Map<string, TriggerRules>([...lists].map(([key, list]) => [key, new TriggerRules(list)]));
  return { definitions, rules, byRule, cancellers: cancellersOf(byRule.values()) };
}

function cancellersOf(rules: Iterable<CompiledRule>): Map<string, CompiledRule[]> {
  const byTrigger = new Map<string, CompiledRule[]>();
  for (const rule of rules) {
    const on = rule.timer?.cancelOn?.trigger;
    if (on === undefined) continue;
    const key = `${on.kind}:${on.name}`;
    byTrigger.set(key, [...(byTrigger.get(key) ?? []), rule]);
  }
  return byTrigger;
}

function reuseOrCompile(
  known: CompiledRule | undefined,
  r: OrgSnapshot["rules"][number],
  orgId: string,
  logger: Logger,
): CompiledRule | undefined {
  // Versions are immutable, so the same id and version is the same rule.
  if (known?.version === r.version) return known;
  try {
    return switchedOn(compileRule(r.document, { version: r.version }));
  } catch (error) {
    logger.error(
      { err: error, orgId, ruleId: r.ruleId, version: r.version },
      "stored rule version does not compile",
    );
    return undefined;
  }
}

/**
 * The index holds only rules whose switch (the `enabled` column) is on; the document's own
 * `enabled` may say otherwise after a PATCH, so the compiled rule is made to agree with the switch.
 */
function switchedOn(rule: CompiledRule): CompiledRule {
  if (rule.enabled) return rule;
  return {
    id: rule.id,
    version: rule.version,
    enabled: true,
    trigger: rule.trigger,
    description: rule.description,
    evaluate: (data) => rule.evaluate(data),
    timer: rule.timer,
  };
}
