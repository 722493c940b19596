import { migrateSchema, openDatabase, type Migration } from "@switchboard/db";
import { createTestDatabase } from "@switchboard/testing";
import type { Kysely } from "kysely";
import { migrations, SCHEMA } from "../../src/migrations.js";
import type { RulesEngineDB } from "../../src/rules-engine.tables.js";

export interface EngineDatabase {
  db: Kysely<RulesEngineDB>;
  close(): Promise<void>;
}

/** A database of its own with the engine's schema, for tests of the engine's transactions. */
export async function openEngineDatabase(
  prefix: string,
  upTo: Record<string, Migration> = migrations,
): Promise<EngineDatabase> {
  const testDb = await createTestDatabase(prefix);
  const database = await openDatabase<RulesEngineDB>({ url: testDb.url });
  const migrated = await migrateSchema(database.db, SCHEMA, upTo);
  if (!migrated.ok) throw new Error(`migrations failed: ${JSON.stringify(migrated.error)}`);
  return {
    db: database.db,
    async close() {
      await database.close();
      await testDb.drop();
    },
  };
}
