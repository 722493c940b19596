import { sql, type Kysely, type OperationNodeSource } from "kysely";

/** A statement to run: a query builder or a `sql` template. */
export type Statement = OperationNodeSource;

/**
 * Runs statements that write but do not read each other's writes as one statement (all but the
 * last as data-modifying `WITH` parts): one round trip instead of one each, all or nothing. Every
 * part sees the database as it was before the statement, so none may depend on another's rows;
 * their results are not returned.
 */
export async function executeTogether<DB>(db: Kysely<DB>, statements: readonly Statement[]): Promise<void> {
  if (statements.length === 0) return;
  const last = statements.at(-1)!;
  if (statements.length === 1) {
    await sql`${last}`.execute(db);
    return;
  }
  const parts = statements.slice(0, -1).map((statement, i) => sql`${sql.raw(`s${i}`)} as (${statement})`);
  await sql`with ${sql.join(parts)} ${last}`.execute(db);
}
