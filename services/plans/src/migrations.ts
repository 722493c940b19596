import { sql, type Kysely } from "kysely";
import { idempotencyMigration, idempotencyRetentionMigration, type Migration } from "@switchboard/db";
import { outboxMigration, outboxRetentionMigration, outboxSetAsideMigration } from "@switchboard/outbox";

export const SCHEMA = "plans";

export const migrations: Record<string, Migration> = {
  "001_outbox": outboxMigration(),
  "002_idempotency": idempotencyMigration(),
  "003_templates_and_plans": {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable("plan_templates")
        .addColumn("org_id", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("roles", "jsonb", (c) => c.notNull())
        .addColumn("forms", "jsonb", (c) => c.notNull())
        .addColumn("work_queues", "jsonb", (c) => c.notNull())
        .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint("plan_templates_pk", ["org_id", "name"])
        .execute();
      await db.schema
        .createTable("plans")
        .addColumn("id", "uuid", (c) => c.primaryKey())
        .addColumn("org_id", "text", (c) => c.notNull())
        .addColumn("template_name", "text", (c) => c.notNull())
        .addColumn("user_id", "text", (c) => c.notNull())
        .addColumn("is_test", "boolean", (c) => c.notNull())
        .addColumn("role_assignments", "jsonb", (c) => c.notNull())
        .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createIndex("plans_org_user")
        .on("plans")
        .columns(["org_id", "user_id", "template_name"])
        .execute();
    },
  },
  "004_outbox_set_aside": outboxSetAsideMigration(),
  "005_outbox_retention": outboxRetentionMigration(),
  "006_idempotency_retention": idempotencyRetentionMigration(),
};
