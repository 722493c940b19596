import type { Kysely } from "kysely";
import { ConflictError, NotFoundError } from "@switchboard/errors";
import { deleteDefinition } from "./inbound-definition.repository.js";
import { withOrgConfigLock } from "./org-config-lock.js";
import { activeRulesOn } from "./rule.repository.js";
import type { RulesEngineDB } from "./rules-engine.tables.js";

/** Removes a declaration that no active rule reads; its messages become undeclared (dead-lettered). */
export async function removeDefinition(
  db: Kysely<RulesEngineDB>,
  orgId: string,
  name: string,
): Promise<void> {
  await withOrgConfigLock(db, orgId, async (trx) => {
    const users = await activeRulesOn(trx, orgId, "inbound", name);
    if (users.length > 0) {
      const list = users.map((r) => `${r.ruleId} (version ${r.activeVersion})`).join(", ");
      throw new ConflictError(
        `inbound event "${name}" is read by active rule(s) ${list}; deactivate them first`,
        {
          details: users.map((r) => ({ ruleId: r.ruleId, version: r.activeVersion })),
        },
      );
    }
    if (!(await deleteDefinition(trx, orgId, name)))
      throw new NotFoundError(`inbound event "${name}" is not declared`);
  });
}
