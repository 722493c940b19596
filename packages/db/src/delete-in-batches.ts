import { sql, type Kysely, type RawBuilder } from "kysely";
import { assertSchemaName } from "./schema-name.js";

/**
 * Deletes the rows of `<schema>.<table>` that `where` selects, `batchSize` at a time so no single
 * statement holds many locks or a long transaction; returns how many went.
 */
export async function deleteInBatches<DB>(
  db: Kysely<DB>,
  schema: string,
  table: keyof DB & string,
  where: RawBuilder<unknown>,
  batchSize = 5_000,
): Promise<number> {
  assertSchemaName(schema);
  const target = sql.table(`${schema}.${table}`);
  let total = 0;
  for (;;) {
    const result = await sql`
      delete from ${target} where ctid = any(array(
        select ctid from ${target} where ${where} limit ${batchSize}))`.execute(db);
    const deleted = Number(result.numAffectedRows ?? 0n);
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
