import { sql, type Generated, type Kysely, type Selectable } from "kysely";
import { deleteInBatches, tablesOf, type Int8, type JsonWithDefault } from "@switchboard/db";

/** `<schema>.outbox`, as its migrations below leave it; every service's tables extend it. */
export interface OutboxTables {
  outbox: {
    id: Generated<Int8>;
    message_id: string;
    subject: string;
    // The exact JSON text that was enqueued, published byte for byte.
    payload: string;
    headers: JsonWithDefault<Record<string, string>>;
    created_at: Generated<Date>;
    claimed_by: string | null;
    claimed_until: Date | null;
    attempts: Generated<number>;
    last_error: string | null;
    published_at: Date | null;
    set_aside_at: Date | null;
  };
}

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
export async function deleteOutboxRowsBefore<DB extends OutboxTables>(
  db: Kysely<DB>,
  schema: string,
  before: Date,
): Promise<number> {
  const outbox: Kysely<OutboxTables> = tablesOf(db);
  return (
    (await deleteInBatches(outbox, schema, "outbox", sql`published_at < ${before}`)) +
    (await deleteInBatches(outbox, schema, "outbox", sql`set_aside_at < ${before}`))
  );
}

/** A row the relay claimed to publish. */
export type OutboxRow = Pick<
  Selectable<OutboxTables["outbox"]>,
  "id" | "message_id" | "subject" | "payload" | "headers" | "attempts"
>;

/** Claimed rows come back in no particular order; a batch is published oldest first. */
export function inOrder(rows: readonly OutboxRow[]): OutboxRow[] {
  return [...rows].sort((a, b) => Number(a.id) - Number(b.id));
}

/** The columns of an OutboxRow, as a statement returns them. */
export const OUTBOX_ROW_COLUMNS = ["id", "message_id", "subject", "payload", "headers", "attempts"] as const;
