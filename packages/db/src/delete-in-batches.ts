import { sql, type Kysely, type RawBuilder } from "kysely";
import { assertSchemaName } from "./schema-name.js";

/**
 * Deletes the rows of `<schema>.<table>` that `where` selects, `batchSize` at a time so no single
 * statement holds many locks or a long transaction; returns how many went. `alongside`, a
 * data-modifying statement, runs in the statement of each batch and reads that batch's deleted
 * rows as `deleted`: one snapshot decides both, so what it does for a row is never split from the
 * row's deletion by a commit in between.
 */
export async function deleteInBatches<DB>(
  db: Kysely<DB>,
  schema: string,
  table: keyof DB & string,
  where: RawBuilder<unknown>,
  batchSize = 5_000,
  alongside?: RawBuilder<unknown>,
): Promise<number> {
  assertSchemaName(schema);
  const target = sql.table(`${schema}.${table}`);
  const batch = sql`delete from ${target} where ctid = any(array(
    select ctid from ${target} where ${where} limit ${batchSize}))`;
  let total = 0;
  for (;;) {
    const deleted =
      alongside === undefined
        ? Number((await batch.execute(db)).numAffectedRows ?? 0n)
        : Number(
            (
              await sql<{ n: string }>`
                with deleted as (${batch} returning *), alongside as (${alongside})
                select count(*) as n from deleted`.execute(db)
            ).rows[0]!.n,
          );
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
