import type { Kysely } from "kysely";
import { ConflictError, ValidationError, err, type Result } from "@switchboard/errors";
import {
  validateRule,
  type RuleDocument,
  type RuleProblem,
  type RuleValidation,
  type Trigger,
} from "@switchboard/rules";
import type { RulesEngineParts } from "./engine-parts.js";
import { noRefs, peekTrigger, triggerSchemaOf } from "./trigger-schemas.js";
import type { RulesEngineDB } from "./rules-engine.tables.js";

type Sources = Pick<RulesEngineParts, "schemas" | "eventRefs">;

/**
 * Validates a rule document against the org's current declaration of its trigger. The trigger's
 * schema is read first (validation itself is pure and synchronous), so pass the transaction that
 * holds the org's config lock when the answer must still hold at commit. Warnings (paths an open
 * object does not declare) come with either answer; they refuse nothing.
 */
export async function checkRule(
  db: Kysely<RulesEngineDB>,
  sources: Sources,
  orgId: string,
  document: unknown,
): Promise<RuleValidation> {
  const trigger = peekTrigger(document);
  const found = trigger === undefined ? undefined : await triggerSchemaOf(db, sources, orgId, trigger);
  // A timer's follow-up (`timer.cancelOn.on`) is read against its own trigger's schema.
  const follow = peekTrigger((document as { timer?: { cancelOn?: unknown } } | null)?.timer?.cancelOn);
  const followFound = follow === undefined ? undefined : await triggerSchemaOf(db, sources, orgId, follow);
  return validateRule(document, {
    triggerSchema: (t) =>
      found !== undefined && sameTrigger(t, trigger)
        ? found.schema
        : followFound !== undefined && sameTrigger(t, follow)
          ? followFound.schema
          : undefined,
    // Inbound schemas have no references to other documents; event schemas do.
    resolveRef:
      [found, followFound].find((f) => f !== undefined && f.resolveRef !== noRefs)?.resolveRef ?? noRefs,
  });
}

/**
 * Validates a rule against a schema that is not stored yet (a definition about to change). Only
 * what reads that trigger is checked: another trigger (a timer's follow-up) did not change, and is
 * taken as declared and open.
 */
export function checkRuleAgainst(document: unknown, trigger: Trigger, schema: object): RuleValidation {
  return validateRule(document, {
    triggerSchema: (t) => (sameTrigger(t, trigger) ? schema : {}),
    resolveRef: noRefs,
  });
}

/** The id in a document must be the id in the path: one rule's history must not hold another's. */
export function checkRuleId(document: RuleDocument, ruleId: string): Result<RuleDocument, RuleProblem[]> {
  if (document.id === ruleId) return { ok: true, value: document };
  const message = `must equal the rule id in the path, ${JSON.stringify(ruleId)}, not ${JSON.stringify(document.id)}`;
  return err([{ path: "/id", message, code: "schema" }]);
}

/** 400: the document itself is wrong. `errors` lists every problem; the detail names the first. */
export function invalidRule(problems: RuleProblem[], what = "the rule"): ValidationError {
  return new ValidationError(`${what} is invalid: ${summarize(problems)}`, { details: problems.map(plain) });
}

/** 409: a stored version no longer fits the current state (e.g. its trigger's schema changed). */
export function staleRule(problems: RuleProblem[], what: string): ConflictError {
  return new ConflictError(`${what} does not fit the current schema of its trigger: ${summarize(problems)}`, {
    details: problems.map(plain),
  });
}

export function summarize(problems: RuleProblem[]): string {
  const [first] = problems;
  if (first === undefined) return "no details";
  const more =
    problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? "s" : ""})` : "";
  return `${first.path || "/"}: ${first.message}${more}`;
}

const plain = (p: RuleProblem): RuleProblem => ({ path: p.path, message: p.message, code: p.code });

function sameTrigger(a: Trigger, b: Trigger | undefined): boolean {
  if (b === undefined) return false;
  return "inbound" in a ? "inbound" in b && a.inbound === b.inbound : "event" in b && a.event === b.event;
}
