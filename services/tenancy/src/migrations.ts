import { sql, type Kysely } from "kysely";
import { healthTablesMigration, type HealthTables } from "@switchboard/db";
import { outboxMigration, outboxRetentionMigration, outboxSetAsideMigration } from "@switchboard/outbox";

export const SCHEMA = "tenancy";

/**
 * What the NATS servers said about each credential's connections (the item is its id), for its
 * health: hourly counts, pruned after 48 hours, and its last success and failure, kept.
 */
export const CREDENTIAL_HEALTH: HealthTables = {
  schema: SCHEMA,
  hours: "nats_credential_health_hours",
  latest: "nats_credential_health",
};

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
  // Tenancy announces NATS credentials as system events, through its own outbox.
  "002_outbox": outboxMigration(),
  "003_nats_credentials": {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable("nats_credentials")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("org_id", "text", (c) => c.notNull().references("orgs.id"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("access", "jsonb", (c) => c.notNull())
        .addColumn("public_key", "text", (c) => c.notNull().unique())
        .addColumn("expires_at", "timestamptz")
        .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn("created_by", "text", (c) => c.notNull())
        .addColumn("revoked_at", "timestamptz")
        .addColumn("revoked_by", "text")
        .execute();
      await db.schema.createIndex("nats_credentials_org").on("nats_credentials").column("org_id").execute();
      // Who did what to which credential, kept after the credential is revoked.
      await db.schema
        .createTable("nats_credential_audit")
        .addColumn("id", "bigserial", (c) => c.primaryKey())
        .addColumn("org_id", "text", (c) => c.notNull())
        .addColumn("credential_id", "text", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("actor", "text", (c) => c.notNull())
        .addColumn("at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createIndex("nats_credential_audit_credential")
        .on("nats_credential_audit")
        .columns(["org_id", "credential_id", "id"])
        .execute();
    },
  },
  "004_outbox_set_aside": outboxSetAsideMigration(),
  "005_outbox_retention": outboxRetentionMigration(),
  "006_nats_credential_health": healthTablesMigration(CREDENTIAL_HEALTH),
};
