import { sql, type Kysely } from "kysely";

export const SCHEMA = "tenancy";

export const migrations = {
  "001_orgs_and_keys": {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable("orgs")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createTable("api_keys")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("org_id", "text", (c) => c.references("orgs.id"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("roles", "jsonb", (c) => c.notNull())
        .addColumn("token_hash", "text", (c) => c.notNull().unique())
        .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn("revoked_at", "timestamptz")
        .execute();
      await db.schema.createIndex("api_keys_org").on("api_keys").column("org_id").execute();
    },
  },
};
