import { sql, type Kysely } from "kysely";
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
 * Keeps the last messages of each inbound event, for dry runs against real traffic. A batch's
 * samples are one statement in the transaction that claims its messages, so they cost no commit of
 * their own.
 */
export async function saveSamples(db: Kysely<RulesEngineDB>, samples: readonly Sample[]): Promise<void> {
  if (samples.length === 0) return;
  const saved = await db
    .withSchema(SCHEMA)
    .insertInto("inbound_samples")
    .values(
      samples.map((s) => ({
        org_id: s.orgId,
        name: s.name,
        message_id: s.messageId,
        payload: JSON.stringify(s.payload),
        valid: s.valid,
      })),
    )
    .returning(["id", "org_id", "name"])
    .execute();
  // Prune now and then rather than on every insert: an event whose id passed a multiple of 25.
  const due = new Map<string, { orgId: string; name: string }>();
  for (const row of saved)
    if (Number(row.id) % 25 === 0)
      due.set(JSON.stringify([row.org_id, row.name]), { orgId: row.org_id, name: row.name });
  for (const { orgId, name } of due.values()) {
    await sql`
      delete from ${sql.table(`${SCHEMA}.inbound_samples`)}
      where org_id = ${orgId} and name = ${name} and id <= (
        select id from ${sql.table(`${SCHEMA}.inbound_samples`)}
        where org_id = ${orgId} and name = ${name}
        order by id desc offset ${KEEP} limit 1)`.execute(db);
  }
}
