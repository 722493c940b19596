import { sql, type Kysely } from "kysely";
import { deleteInBatches } from "@switchboard/db";

/** Creates `<schema>.outbox`; add it to a service's migrations. Rows are claimed by lease, never by long locks. */
export function outboxMigration() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable("outbox")
        .addColumn("id", "bigserial", (c) => c.primaryKey())
        .addColumn("message_id", "text", (c) => c.notNull().unique())
        .addColumn("subject", "text", (c) => c.notNull())
        .addColumn("payload", "text", (c) => c.notNull())
        .addColumn("headers", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
        .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn("claimed_by", "text")
        .addColumn("claimed_until", "timestamptz")
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("last_error", "text")
        .addColumn("published_at", "timestamptz")
        .execute();
      await db.schema
        .createIndex("outbox_pending")
        .on("outbox")
        .column("id")
        .where(sql.ref("published_at"), "is", null)
        .execute();
    },
  };
}

/**
 * Adds `set_aside_at` to an existing outbox: a row the relay could never publish (too large for the
 * bus, refused by the broker) is handed to the dead-letter queue and marked, instead of holding up
 * every row after it. Add it after `outboxMigration` in a service's migrations.
 */
export function outboxSetAsideMigration() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable("outbox").addColumn("set_aside_at", "timestamptz").execute();
    },
  };
}

/**
 * Indexes the rows that are done (published or set aside) by when, for the sweep that deletes them
 * after their retention. Add it after `outboxSetAsideMigration`.
 */
export function outboxRetentionMigration() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createIndex("outbox_published")
        .on("outbox")
        .column("published_at")
        .where(sql.ref("published_at"), "is not", null)
        .execute();
      await db.schema
        .createIndex("outbox_set_aside")
        .on("outbox")
        .column("set_aside_at")
        .where(sql.ref("set_aside_at"), "is not", null)
        .execute();
    },
  };
}

/** Deletes the rows published, or set aside, before `before`; answers how many went. */
export async function deleteOutboxRowsBefore(db: Kysely<any>, schema: string, before: Date): Promise<number> {
  return (
    (await deleteInBatches(db, schema, "outbox", sql`published_at < ${before}`)) +
    (await deleteInBatches(db, schema, "outbox", sql`set_aside_at < ${before}`))
  );
}

export interface OutboxRow {
  id: string;
  message_id: string;
  subject: string;
  // The exact JSON text that was enqueued, published byte for byte.
  payload: string;
  headers: Record<string, string>;
  attempts: number;
}
