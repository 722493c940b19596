import { sql, type Kysely, type OperationNodeSource } from "kysely";

/** A statement to run: a query builder or a `sql` template. */
export type Statement = OperationNodeSource;

/**
 * Runs statements that write but do not read each other's writes as one statement (all but the
 * last as data-modifying `WITH` parts): one round trip instead of one each, all or nothing. Every
 * part sees the database as it was before the statement, so none may depend on another's rows.
 * Answers the rows the last statement returns (its `returning`, if it has one); the others' results
 * are not returned.
 */
export async function executeTogether<DB, R = unknown>(
  db: Kysely<DB>,
  statements: readonly Statement[],
): Promise<R[]> {
  if (statements.length === 0) return [];
  const last = statements.at(-1)!;
  if (statements.length === 1) return (await sql<R>`${last}`.execute(db)).rows;
  const parts = statements.slice(0, -1).map((statement, i) => sql`${sql.raw(`s${i}`)} as (${statement})`);
  return (await sql<R>`with ${sql.join(parts)} ${last}`.execute(db)).rows;
}
