import { err, ok } from "@switchboard/errors";
import type { Result } from "@switchboard/errors";
import { Migrator, sql } from "kysely";
import type { Kysely, Migration as KyselyMigration, MigrationProvider } from "kysely";
import { assertSchemaName } from "./schema-name.js";

/**
 * One step of a service's schema. `db` is the migration's transaction, scoped to the service's
 * schema twice over: query-builder table names are qualified with it (`withSchema`), and the
 * search_path puts it first, so raw `sql` with unqualified names lands there too. Write
 * unqualified names; `public` stays on the path for extension functions.
 */
export type Migration = {
  up(db: Kysely<any>): Promise<void>;
  down?(db: Kysely<any>): Promise<void>;
};

export type MigrationFailure = {
  schema: string;
  /** The migration that threw; undefined when the run failed before one did (connection, history). */
  migration: string | undefined;
  message: string;
  cause: unknown;
};

/**
 * Brings `schema` to its latest migration: creates the schema when missing, keeps the history in
 * `<schema>.kysely_migration` and runs pending migrations in name order in one transaction, so a
 * failure leaves nothing half-applied. Migrators of the same schema exclude each other with a lock
 * per schema (on databases opened by `openDatabase`; other handles share one lock for all schemas).
 */
export async function migrateSchema<DB>(
  db: Kysely<DB>,
  schema: string,
  migrations: Record<string, Migration>,
): Promise<Result<{ applied: string[] }, MigrationFailure>> {
  assertSchemaName(schema);
  const migrator = new Migrator({
    db,
    provider: scopedProvider(schema, migrations),
    migrationTableSchema: schema,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error === undefined) return ok({ applied: results.map((r) => r.migrationName) });
  const failed = results.find((r) => r.status === "Error")?.migrationName;
  const reason = error instanceof Error ? error.message : String(error);
  const where = failed === undefined ? `schema "${schema}"` : `migration "${failed}" of schema "${schema}"`;
  return err({ schema, migration: failed, message: `${where} failed: ${reason}`, cause: error });
}

function scopedProvider(schema: string, migrations: Record<string, Migration>): MigrationProvider {
  const scoped: Record<string, KyselyMigration> = {};
  for (const [name, migration] of Object.entries(migrations)) {
    const { down } = migration;
    scoped[name] = {
      up: (trx) => runScoped(trx, schema, (db) => migration.up(db)),
      ...(down === undefined
        ? {}
        : { down: (trx: Kysely<any>) => runScoped(trx, schema, (db) => down.call(migration, db)) }),
    };
  }
  return { getMigrations: async () => scoped };
}

async function runScoped(
  trx: Kysely<any>,
  schema: string,
  step: (db: Kysely<any>) => Promise<void>,
): Promise<void> {
  // `set local` ends with the migration transaction, so the pooled connection comes back unchanged.
  await sql`set local search_path to ${sql.id(schema)}, public`.execute(trx);
  await step(trx.withSchema(schema));
}
