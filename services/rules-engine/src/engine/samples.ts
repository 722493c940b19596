import { sql, type Kysely } from "kysely";
import { insertSample } from "../inbound-sample.repository.js";
import { SCHEMA } from "../migrations.js";
import type { RulesEngineDB } from "../rules-engine.tables.js";

const KEEP = 100;

export interface Sample {
  orgId: string;
  name: string;
  messageId: string;
  payload: unknown;
  valid: boolean;
}

/**
 * Keeps the last messages of each inbound event, for dry runs against real traffic. A valid
 * message's sample is written in the transaction that claims it, so it costs no commit of its own.
 */
export async function saveSample(db: Kysely<RulesEngineDB>, sample: Sample): Promise<void> {
  const saved = await insertSample(db, sample.orgId, sample);
  // Prune now and then rather than on every insert.
  if (saved.id % 25 === 0) {
    await sql`
      delete from ${sql.table(`${SCHEMA}.inbound_samples`)}
      where org_id = ${sample.orgId} and name = ${sample.name} and id <= (
        select id from ${sql.table(`${SCHEMA}.inbound_samples`)}
        where org_id = ${sample.orgId} and name = ${sample.name}
        order by id desc offset ${KEEP} limit 1)`.execute(db);
  }
}
