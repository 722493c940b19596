import { sql, type Generated } from "kysely";
import type { Json } from "./column-types.js";
import type { Migration } from "./migrate-schema.js";

export const IDEMPOTENCY_TABLE = "idempotency_keys";

/** `<schema>.idempotency_keys`, as `idempotencyMigration` creates it; a service's tables extend it. */
export interface IdempotencyTables {
  idempotency_keys: {
    org_id: string;
    key: string;
    operation: string;
    request_hash: string;
    /** The work's result; null while it runs, or when it returned undefined. */
    result: Json<unknown> | null;
    created_at: Generated<Date>;
  };
}

/** Creates `<schema>.idempotency_keys`; add it to the service's migrations under a name of its choosing. */
export function idempotencyMigration(): Migration {
  return {
    async up(db) {
      await db.schema
        .createTable(IDEMPOTENCY_TABLE)
        .addColumn("org_id", "text", (col) => col.notNull())
        .addColumn("key", "text", (col) => col.notNull())
        .addColumn("operation", "text", (col) => col.notNull())
        .addColumn("request_hash", "text", (col) => col.notNull())
        // Null while the first caller's work runs (invisible to others until commit), or when work returned undefined.
        .addColumn("result", "jsonb")
        .addColumn("created_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint("idempotency_keys_pkey", ["org_id", "key"])
        .execute();
    },
    async down(db) {
      await db.schema.dropTable(IDEMPOTENCY_TABLE).execute();
    },
  };
}

/**
 * Indexes the keys by age, for the sweep that forgets them after their retention; add it after
 * `idempotencyMigration`.
 */
export function idempotencyRetentionMigration(): Migration {
  return {
    async up(db) {
      await db.schema
        .createIndex(`${IDEMPOTENCY_TABLE}_created`)
        .on(IDEMPOTENCY_TABLE)
        .column("created_at")
        .execute();
    },
  };
}
