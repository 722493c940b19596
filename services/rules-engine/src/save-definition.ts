import type { Kysely } from "kysely";
import type { Infer } from "@switchboard/contracts";
import { canonicalJson } from "@switchboard/canonical-json";
import { ConflictError, ValidationError } from "@switchboard/errors";
import { assertInboundName } from "@switchboard/events";
import { checkPayloadSchema, validateDedup, type DedupSpec } from "@switchboard/rules";
import { findDefinition, upsertDefinition, type InboundDefinition } from "./inbound-definition.repository.js";
import { withOrgConfigLock } from "./org-config-lock.js";
import { compilePayloadSchema } from "./payload-schema.js";
import { findRuleVersion, activeRulesOn } from "./rule.repository.js";
import { checkRuleAgainst, summarize } from "./rule-validation.js";
import { noRefs } from "./trigger-schemas.js";
import type { definitionBody } from "./rules-engine.schemas.js";
import type { RulesEngineDB } from "./rules-engine.tables.js";

/** What declaring an inbound event takes: the body of its PUT. */
export type DefinitionInput = Infer<typeof definitionBody>;

export interface Author {
  orgId: string;
  requestedBy: string;
}

export type SaveDefinitionOutcome = {
  outcome: "created" | "updated" | "unchanged";
  definition: InboundDefinition;
};

/**
 * Declares or changes an inbound event. The schema is compiled and the dedup spec checked before
 * anything is stored; a change that would break an active rule reading the event is refused, so
 * the versions that run keep fitting the payloads they read. Each change gets the next version.
 */
export async function saveDefinition(
  db: Kysely<RulesEngineDB>,
  author: Author,
  name: string,
  input: DefinitionInput,
  now: () => Date,
): Promise<SaveDefinitionOutcome> {
  assertInboundName(name);
  const compiled = compilePayloadSchema(input.schema);
  if (!compiled.ok) {
    throw new ValidationError(`the schema of "${name}" does not compile: ${compiled.error}`, {
      details: schemaDetails(input.schema, compiled.error),
    });
  }
  const dedup = checkDedup(input.dedup, input.schema);
  return withOrgConfigLock(db, author.orgId, async (trx) => {
    const current = await findDefinition(trx, author.orgId, name);
    if (current !== undefined && sameContent(current, input, dedup))
      return { outcome: "unchanged", definition: current };
    await assertActiveRulesFit(trx, author.orgId, name, input.schema);
    const definition = await upsertDefinition(trx, {
      orgId: author.orgId,
      name,
      description: input.description,
      schema: input.schema,
      dedup,
      version: (current?.version ?? 0) + 1,
      updatedBy: author.requestedBy,
      updatedAt: now(),
    });
    return { outcome: current === undefined ? "created" : "updated", definition };
  });
}

/** Where in the schema each problem is, as the console shows them while the schema is typed. */
function schemaDetails(schema: unknown, error: string) {
  const located = checkPayloadSchema(schema).map((p) => ({
    path: `/schema${p.path}`,
    message: p.message,
    keyword: "schema",
  }));
  return located.length > 0 ? located : [{ path: "/schema", message: error, keyword: "schema" }];
}

/** Absent means the default (a repeat of the id or of the payload); pointers start at `/dedup`. */
function checkDedup(spec: unknown, schema: object): DedupSpec {
  const checked = validateDedup(spec, schema, noRefs);
  if (checked.ok) return checked.value;
  throw new ValidationError(`dedup is invalid: ${summarize(checked.error)}`, { details: checked.error });
}

function sameContent(current: InboundDefinition, input: DefinitionInput, dedup: DedupSpec): boolean {
  return (
    current.description === input.description &&
    canonicalJson(current.schema) === canonicalJson(input.schema) &&
    canonicalJson(current.dedup) === canonicalJson(dedup)
  );
}

/** The active version of every rule on this event must still validate against the new schema. */
async function assertActiveRulesFit(
  trx: Kysely<RulesEngineDB>,
  orgId: string,
  name: string,
  schema: object,
): Promise<void> {
  const broken: { ruleId: string; version: number; path: string; message: string; code: string }[] = [];
  for (const rule of await activeRulesOn(trx, orgId, "inbound", name)) {
    const version = await findRuleVersion(trx, orgId, rule.ruleId, rule.activeVersion!);
    const checked = checkRuleAgainst(version?.document, { inbound: name }, schema);
    if (checked.ok) continue;
    for (const p of checked.error)
      broken.push({
        ruleId: rule.ruleId,
        version: rule.activeVersion!,
        path: p.path,
        message: p.message,
        code: p.code,
      });
  }
  if (broken.length === 0) return;
  const rules = [...new Set(broken.map((b) => `${b.ruleId} (version ${b.version})`))];
  const first = broken[0]!;
  throw new ConflictError(
    `the new schema of "${name}" would break active rule(s) ${rules.join(", ")}: ${first.ruleId} ${first.path || "/"}: ${first.message}; ` +
      `change or deactivate those rules first`,
    { details: broken },
  );
}
