import { sql, type Kysely } from "kysely";
import { healthTablesMigration, type HealthTables, type Migration } from "@switchboard/db";
import { outboxMigration, outboxRetentionMigration, outboxSetAsideMigration } from "@switchboard/outbox";
import { timersMigration } from "./timers/timer.migration.js";

export const SCHEMA = "rules_engine";

/**
 * What the engine did with each declared inbound event (the item is its name), for its health:
 * hourly counts, pruned after 48 hours, and its last success and failure, kept.
 */
export const INBOUND_HEALTH: HealthTables = {
  schema: SCHEMA,
  hours: "inbound_health_hours",
  latest: "inbound_health",
};

const now = sql`now()`;

const definitions: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable("inbound_definitions")
      .addColumn("org_id", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("description", "text", (c) => c.notNull())
      .addColumn("schema", "jsonb", (c) => c.notNull())
      .addColumn("dedup", "jsonb", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("updated_by", "text", (c) => c.notNull())
      .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(now))
      .addPrimaryKeyConstraint("inbound_definitions_pk", ["org_id", "name"])
      .execute();
  },
};

const rules: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    // trigger_* are the active version's trigger, or the latest version's while none is active.
    await db.schema
      .createTable("rules")
      .addColumn("org_id", "text", (c) => c.notNull())
      .addColumn("rule_id", "text", (c) => c.notNull())
      .addColumn("enabled", "boolean", (c) => c.notNull())
      .addColumn("active_version", "integer")
      .addColumn("latest_version", "integer", (c) => c.notNull())
      .addColumn("trigger_kind", "text", (c) => c.notNull())
      .addColumn("trigger_name", "text", (c) => c.notNull())
      .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(now))
      .addPrimaryKeyConstraint("rules_pk", ["org_id", "rule_id"])
      .execute();
    await db.schema
      .createIndex("rules_org_trigger")
      .on("rules")
      .columns(["org_id", "trigger_kind", "trigger_name"])
      .execute();
    await db.schema
      .createTable("rule_versions")
      .addColumn("org_id", "text", (c) => c.notNull())
      .addColumn("rule_id", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("document", "jsonb", (c) => c.notNull())
      .addColumn("author", "text", (c) => c.notNull())
      .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(now))
      .addPrimaryKeyConstraint("rule_versions_pk", ["org_id", "rule_id", "version"])
      .execute();
    // Versions are the audit trail of what ran: the database refuses to change or drop one.
    await sql`
      create function forbid_rule_version_change() returns trigger language plpgsql as $$
      begin raise exception 'rule versions are immutable'; end $$`.execute(db);
    await sql`
      create trigger rule_versions_immutable before update or delete on rule_versions
      for each row execute function forbid_rule_version_change()`.execute(db);
  },
};

const runsClaimsSamples: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable("rule_runs")
      .addColumn("id", "bigserial", (c) => c.primaryKey())
      .addColumn("org_id", "text", (c) => c.notNull())
      .addColumn("rule_id", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("trigger_kind", "text", (c) => c.notNull())
      .addColumn("trigger_name", "text", (c) => c.notNull())
      .addColumn("message_id", "text", (c) => c.notNull())
      .addColumn("dedup_key", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("input", "jsonb", (c) => c.notNull())
      .addColumn("actions", "jsonb", (c) => c.notNull())
      .addColumn("error", "text")
      .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(now))
      .execute();
    await db.schema
      .createIndex("rule_runs_org_rule_created")
      .on("rule_runs")
      .columns(["org_id", "rule_id", "created_at"])
      .execute();
    // Listing an org's runs newest first without a rule filter pages by id.
    await db.schema.createIndex("rule_runs_org_id").on("rule_runs").columns(["org_id", "id"]).execute();
    await db.schema
      .createTable("dedup_claims")
      .addColumn("org_id", "text", (c) => c.notNull())
      .addColumn("event_name", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("value", "text", (c) => c.notNull())
      .addColumn("message_id", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("claimed_at", "timestamptz", (c) => c.notNull().defaultTo(now))
      .addColumn("done_at", "timestamptz")
      .addPrimaryKeyConstraint("dedup_claims_pk", ["org_id", "event_name", "kind", "value"])
      .execute();
    await db.schema
      .createTable("inbound_samples")
      .addColumn("id", "bigserial", (c) => c.primaryKey())
      .addColumn("org_id", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("message_id", "text", (c) => c.notNull())
      .addColumn("payload", "jsonb", (c) => c.notNull())
      .addColumn("valid", "boolean", (c) => c.notNull())
      .addColumn("received_at", "timestamptz", (c) => c.notNull().defaultTo(now))
      .execute();
    await db.schema
      .createIndex("inbound_samples_org_name_id")
      .on("inbound_samples")
      .columns(["org_id", "name", "id"])
      .execute();
  },
};

/** Which stream copy holds a claim, so that two copies of one message id do not both run. */
const claimHolder: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable("dedup_claims").addColumn("holder", "text").execute();
  },
};

/**
 * Claims are found by message id when a message is recorded, completed or released. Claims are kept
 * with no time limit, so without this index each of those scanned every claim of the org's event:
 * the cost of a message grew with every message before it.
 */
const claimMessageIndex: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createIndex("dedup_claims_message")
      .on("dedup_claims")
      .columns(["org_id", "event_name", "message_id"])
      .execute();
  },
};

/**
 * Retention: a run's payload is removed after a while (the run's outline stays), runs and samples
 * are deleted by age, and a dedup claim on a payload key keeps only the key's hash: claims are kept
 * for ever, so they must not hold the data the key was made of.
 */
const retention: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable("rule_runs").addColumn("payload_removed_at", "timestamptz").execute();
    await db.schema.createIndex("rule_runs_created").on("rule_runs").column("created_at").execute();
    await db.schema
      .createIndex("inbound_samples_received")
      .on("inbound_samples")
      .column("received_at")
      .execute();
    await sql`
      update dedup_claims set value = encode(sha256(convert_to(value, 'UTF8')), 'hex')
      where kind = 'key'`.execute(db);
  },
};

/**
 * The message index led by the message id: led by (org, event) it matched a claim's key lookup as
 * well as the primary key did, and on a table without statistics yet PostgreSQL took it for those
 * lookups, reading every claim of the org's event for each key (150 ms for a batch of 64).
 */
const claimMessageIndexFirst: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createIndex("dedup_claims_by_message")
      .on("dedup_claims")
      .columns(["message_id", "org_id", "event_name"])
      .execute();
    await db.schema.dropIndex("dedup_claims_message").execute();
  },
};

export const migrations: Record<string, Migration> = {
  "001_outbox": outboxMigration(),
  "002_inbound_definitions": definitions,
  "003_rules": rules,
  "004_runs_claims_samples": runsClaimsSamples,
  "005_claim_holder": claimHolder,
  "006_claim_message_index": claimMessageIndex,
  "007_outbox_set_aside": outboxSetAsideMigration(),
  "008_outbox_retention": outboxRetentionMigration(),
  "009_retention": retention,
  "010_claim_message_index_first": claimMessageIndexFirst,
  "011_rule_timers": timersMigration(SCHEMA),
  "012_inbound_health": healthTablesMigration(INBOUND_HEALTH),
};
