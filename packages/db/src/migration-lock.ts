import { createHash } from "node:crypto";
import { PostgresAdapter, sql } from "kysely";
import type { Dialect, Kysely, MigrationLockOptions } from "kysely";

/** A stable 64-bit advisory lock key for one schema's migrations. */
export function migrationLockKey(schema: string): bigint {
  const digest = createHash("sha256").update(`switchboard:migrations:${schema}`).digest();
  return digest.readBigInt64BE(0);
}

// A quoted literal cast to bigint: a bare negative literal at the int8 minimum would parse as numeric.
function lockKeyLiteral(schema: string) {
  return sql`${sql.lit(migrationLockKey(schema).toString())}::bigint`;
}

/**
 * Kysely's PostgresAdapter takes one advisory lock for every migrator in the database, so each
 * service would wait for the others at start. Locking per migration-table schema keeps two
 * migrators of the same schema apart while services migrate side by side.
 */
class SchemaMigrationLockAdapter extends PostgresAdapter {
  override async acquireMigrationLock(db: Kysely<object>, options: MigrationLockOptions): Promise<void> {
    if (options.lockTableSchema === undefined) return super.acquireMigrationLock(db, options);
    await sql`select pg_advisory_lock(${lockKeyLiteral(options.lockTableSchema)})`.execute(db);
  }

  override async releaseMigrationLock(db: Kysely<object>, options: MigrationLockOptions): Promise<void> {
    if (options.lockTableSchema === undefined) return super.releaseMigrationLock(db, options);
    await sql`select pg_advisory_unlock(${lockKeyLiteral(options.lockTableSchema)})`.execute(db);
  }
}

/** The given PostgreSQL dialect with per-schema migration locks. */
export function withSchemaMigrationLocks(dialect: Dialect): Dialect {
  return {
    createAdapter: () => new SchemaMigrationLockAdapter(),
    createDriver: () => dialect.createDriver(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}
