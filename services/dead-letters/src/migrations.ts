import { sql, type Kysely } from "kysely";
import type { Migration } from "@switchboard/db";

export const SCHEMA = "dead_letters";

export const migrations: Record<string, Migration> = {
  "001_actions": {
    async up(db: Kysely<any>): Promise<void> {
      // The desk's trail. Entries stay in the DLQ stream; what was done about them is recorded here.
      await db.schema
        .createTable("actions")
        .addColumn("id", "bigserial", (c) => c.primaryKey())
        .addColumn("org_id", "text", (c) => c.notNull())
        .addColumn("dlq_seq", "bigint", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull().check(sql`action in ('retried', 'resolved')`))
        .addColumn("comment", "text")
        .addColumn("by", "text", (c) => c.notNull())
        .addColumn("new_msg_id", "text")
        .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createIndex("actions_org_seq")
        .on("actions")
        .columns(["org_id", "dlq_seq", "id"])
        .execute();
      // An entry is resolved once: a second resolve is refused by the database, not only by a check.
      await db.schema
        .createIndex("actions_resolved_once")
        .on("actions")
        .columns(["org_id", "dlq_seq"])
        .unique()
        .where(sql.ref("action"), "=", "resolved")
        .execute();
    },
  },
};
