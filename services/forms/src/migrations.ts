import { sql, type Kysely } from "kysely";
import { idempotencyMigration, idempotencyRetentionMigration, type Migration } from "@switchboard/db";
import { outboxMigration, outboxRetentionMigration, outboxSetAsideMigration } from "@switchboard/outbox";

export const SCHEMA = "forms";

export const migrations: Record<string, Migration> = {
  "001_outbox": outboxMigration(),
  "002_idempotency": idempotencyMigration(),
  "003_form_assignments": {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable("form_assignments")
        .addColumn("id", "uuid", (c) => c.primaryKey())
        .addColumn("org_id", "text", (c) => c.notNull())
        .addColumn("plan_id", "uuid", (c) => c.notNull())
        .addColumn("form_name", "text", (c) => c.notNull())
        .addColumn("user_id", "text", (c) => c.notNull())
        .addColumn("prefill", "jsonb", (c) => c.notNull())
        .addColumn("is_test", "boolean", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("data", "jsonb")
        .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn("submitted_at", "timestamptz")
        .execute();
      await db.schema
        .createIndex("form_assignments_org_user")
        .on("form_assignments")
        .columns(["org_id", "user_id"])
        .execute();
      await db.schema
        .createIndex("form_assignments_org_plan")
        .on("form_assignments")
        .columns(["org_id", "plan_id"])
        .execute();
    },
  },
  "004_outbox_set_aside": outboxSetAsideMigration(),
  "005_outbox_retention": outboxRetentionMigration(),
  "006_idempotency_retention": idempotencyRetentionMigration(),
};
