import { sql, type Kysely } from "kysely";
import type { Migration } from "@switchboard/db";
import { outboxMigration, outboxRetentionMigration, outboxSetAsideMigration } from "@switchboard/outbox";

export const SCHEMA = "webhook_bridge";

export const migrations: Record<string, Migration> = {
  // The bridge emits webhookEndpointDisabled through its own outbox.
  "001_outbox": outboxMigration(),
  "002_subscriptions": {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable("subscriptions")
        .addColumn("id", "text", (c) => c.primaryKey()) // "wh_<hex>": also names the JetStream durable
        .addColumn("org_id", "text", (c) => c.notNull())
        .addColumn("url", "text", (c) => c.notNull())
        .addColumn("description", "text")
        .addColumn("event_types", "jsonb", (c) => c.notNull()) // string[]
        .addColumn("filter", "jsonb") // JSON Logic over the event, or null
        .addColumn("mapping", "jsonb") // { "target.path": <JSON Logic> }, or null: the event as is
        .addColumn("auth", "text") // encrypted JSON {type: basic|bearer|header, …}, or null
        .addColumn("signing_secrets", "text", (c) => c.notNull()) // encrypted JSON [{secret, expiresAt|null}], newest first
        .addColumn("retry_schedule", "jsonb") // number[] ms, or null: the configured default
        .addColumn("timeout_ms", "integer", (c) => c.notNull())
        .addColumn("rate_limit_per_second", "integer") // null: unlimited
        .addColumn("ordered", "boolean", (c) => c.notNull().defaultTo(false))
        .addColumn("enabled", "boolean", (c) => c.notNull().defaultTo(true))
        .addColumn("disabled_reason", "text")
        .addColumn("failing_since", "timestamptz") // first failure since the last success
        .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema.createIndex("subscriptions_org").on("subscriptions").column("org_id").execute();
      await db.schema
        .createTable("delivery_attempts")
        .addColumn("id", "bigserial", (c) => c.primaryKey())
        .addColumn("org_id", "text", (c) => c.notNull())
        .addColumn("subscription_id", "text", (c) => c.notNull())
        .addColumn("message_id", "text", (c) => c.notNull()) // = webhook-id
        .addColumn("event_type", "text", (c) => c.notNull())
        .addColumn("stream_seq", "bigint")
        .addColumn("attempt", "integer", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull()) // "delivery" | "replay" | "test"
        .addColumn("outcome", "text", (c) => c.notNull()) // delivered | retry | gone | refused | exhausted
        .addColumn("status", "integer") // HTTP status, if any
        .addColumn("duration_ms", "integer", (c) => c.notNull())
        .addColumn("error", "text")
        .addColumn("response_excerpt", "text")
        .addColumn("next_attempt_at", "timestamptz")
        .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createIndex("delivery_attempts_sub")
        .on("delivery_attempts")
        .columns(["org_id", "subscription_id", "id"])
        .execute();
      await db.schema
        .createIndex("delivery_attempts_msg")
        .on("delivery_attempts")
        .columns(["subscription_id", "message_id"])
        .execute();
      await db.schema
        .createIndex("delivery_attempts_age")
        .on("delivery_attempts")
        .column("created_at")
        .execute();
    },
  },
  "003_outbox_set_aside": outboxSetAsideMigration(),
  "004_outbox_retention": outboxRetentionMigration(),
};
