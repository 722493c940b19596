import { sql, type Kysely } from "kysely";

const SCHEMA = "rules_engine";
const KEEP = 100;

/** Keeps the last messages of each inbound event, for dry runs against real traffic. */
export async function saveSample(
  db: Kysely<any>,
  sample: { orgId: string; name: string; messageId: string; payload: unknown; valid: boolean },
): Promise<void> {
  const row = await db
    .withSchema(SCHEMA)
    .insertInto("inbound_samples")
    .values({ org_id: sample.orgId, name: sample.name, message_id: sample.messageId, payload: JSON.stringify(sample.payload), valid: sample.valid })
    .returning("id")
    .executeTakeFirstOrThrow();
  // Prune now and then rather than on every insert.
  if (Number(row.id) % 25 === 0) {
    await sql`
      delete from ${sql.table(`${SCHEMA}.inbound_samples`)}
      where org_id = ${sample.orgId} and name = ${sample.name} and id <= (
        select id from ${sql.table(`${SCHEMA}.inbound_samples`)}
        where org_id = ${sample.orgId} and name = ${sample.name}
        order by id desc offset ${KEEP} limit 1)`.execute(db);
  }
}
