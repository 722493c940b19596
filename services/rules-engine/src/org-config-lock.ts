import { createHash } from "node:crypto";
import { sql, type Kysely, type Transaction } from "kysely";
import type { RulesEngineDB } from "./rules-engine.tables.js";

/**
 * Runs `work` in a transaction that holds the org's rules-configuration lock. Definition and rule
 * writes of one org take turns, so a schema change and a rule activation cannot both pass their
 * checks against each other's old state; writes of different orgs do not wait for each other.
 */
export async function withOrgConfigLock<T>(
  db: Kysely<RulesEngineDB>,
  orgId: string,
  work: (trx: Transaction<RulesEngineDB>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${sql.lit(lockKey(orgId).toString())}::bigint)`.execute(trx);
    return work(trx);
  });
}

function lockKey(orgId: string): bigint {
  return createHash("sha256").update(`switchboard:rules-engine:config:${orgId}`).digest().readBigInt64BE(0);
}
