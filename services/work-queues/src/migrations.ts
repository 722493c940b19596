import { sql, type Kysely } from "kysely";
import { idempotencyMigration, idempotencyRetentionMigration, type Migration } from "@switchboard/db";
import { outboxMigration, outboxRetentionMigration, outboxSetAsideMigration } from "@switchboard/outbox";

export const SCHEMA = "work_queues";

export const migrations: Record<string, Migration> = {
  "001_outbox": outboxMigration(),
  "002_idempotency": idempotencyMigration(),
  "003_queues_and_items": {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable("work_queues")
        .addColumn("org_id", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("statuses", "jsonb", (c) => c.notNull())
        .addColumn("description", "text")
        .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint("work_queues_pk", ["org_id", "name"])
        .execute();
      await db.schema
        .createTable("items")
        .addColumn("id", "uuid", (c) => c.primaryKey())
        .addColumn("org_id", "text", (c) => c.notNull())
        .addColumn("queue_name", "text", (c) => c.notNull())
        .addColumn("plan_id", "uuid", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("priority", "integer", (c) => c.notNull())
        .addColumn("service_location", "text")
        .addColumn("is_test", "boolean", (c) => c.notNull())
        .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createIndex("items_org_queue")
        .on("items")
        .columns(["org_id", "queue_name", "status"])
        .execute();
    },
  },
  "004_outbox_set_aside": outboxSetAsideMigration(),
  "005_outbox_retention": outboxRetentionMigration(),
  "006_idempotency_retention": idempotencyRetentionMigration(),
  "007_item_keys_and_proposals": {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable("items").addColumn("key", "text").execute();
      await db.schema.alterTable("items").addColumn("assignee", "text").execute();
      // Another system finds an item by its key in the queue: one item per key.
      await db.schema
        .createIndex("items_org_queue_key")
        .on("items")
        .columns(["org_id", "queue_name", "key"])
        .unique()
        .where(sql.ref("key"), "is not", null)
        .execute();
      await db.schema
        .createTable("proposals")
        .addColumn("item_id", "uuid", (c) => c.primaryKey())
        .addColumn("org_id", "text", (c) => c.notNull())
        .addColumn("change", "jsonb", (c) => c.notNull())
        .addColumn("apply_key", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("decided_by", "text")
        .addColumn("decided_at", "timestamptz")
        .addColumn("reason", "text")
        .addColumn("outcome", "jsonb")
        .execute();
    },
  },
};
