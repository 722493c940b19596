import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase } from "@switchboard/testing";
import type { TestDatabase } from "@switchboard/testing";
import { sql } from "kysely";
import type { Generated, Kysely, Transaction } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  deleteIdempotencyKeysBefore,
  idempotencyMigration,
  idempotencyRetentionMigration,
  migrateSchema,
  openDatabase,
  runIdempotent,
} from "./index.js";
import type { Database, IdempotencyTables, Migration } from "./index.js";

const SCHEMA = "plans";

interface PlanTables extends IdempotencyTables {
  plans: { id: Generated<number>; org_id: string; name: string };
}

const migrations: Record<string, Migration> = {
  "0001_idempotency": idempotencyMigration(),
  "0001b_idempotency_retention": idempotencyRetentionMigration(),
  "0002_plans": {
    async up(db) {
      await db.schema
        .createTable("plans")
        .addColumn("id", "serial", (col) => col.primaryKey())
        .addColumn("org_id", "text", (col) => col.notNull())
        .addColumn("name", "text", (col) => col.notNull())
        .execute();
    },
  },
};

/** The command under test: writes one plan row and answers with its id. */
function createPlan(orgId: string, name: string) {
  return async (trx: Transaction<PlanTables>) => {
    const row = await trx
      .withSchema(SCHEMA)
      .insertInto("plans")
      .values({ org_id: orgId, name })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { planId: row.id, name };
  };
}

async function countRows(db: Kysely<PlanTables>, table: "plans" | "idempotency_keys"): Promise<number> {
  const row = await db
    .withSchema(SCHEMA)
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
  return row.n as number;
}

async function startDatabase(open: () => Promise<Database<PlanTables>>): Promise<Database<PlanTables>> {
  const database = await open();
  const migrated = await migrateSchema(database.db, SCHEMA, migrations);
  if (!migrated.ok) throw new Error(migrated.error.message);
  return database;
}

describe("runIdempotent on PostgreSQL", () => {
  let testDb: TestDatabase;
  let database: Database<PlanTables>;
  let db: Kysely<PlanTables>;

  beforeAll(async () => {
    testDb = await createTestDatabase("sb_db");
    database = await startDatabase(() => openDatabase<PlanTables>({ url: testDb.url, poolSize: 12 }));
    db = database.db;
  });

  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  it("runs the work once and replays its result for the same key", async () => {
    const command = { orgId: "org-a", key: "k-once", operation: "plans.create", request: { name: "Intake" } };
    const first = await runIdempotent(db, SCHEMA, command, createPlan("org-a", "Intake"));
    const again = await runIdempotent(db, SCHEMA, command, createPlan("org-a", "Intake"));
    expect(first.replayed).toBe(false);
    expect(again).toEqual({ result: first.result, replayed: true });
    expect(await countRows(db, "plans")).toBe(1);
  });

  it("runs the work exactly once when ten callers race with the same key", async () => {
    const before = await countRows(db, "plans");
    // Open ten connections first, so the callers start together rather than one per new connection.
    await Promise.all(Array.from({ length: 10 }, () => sql`select pg_sleep(0.05)`.execute(db)));
    const command = { orgId: "org-a", key: "k-race", operation: "plans.create", request: { name: "Race" } };
    const slowCreatePlan = async (trx: Transaction<PlanTables>) => {
      // Keeps the first caller's transaction open while the others arrive at the key.
      await sql`select pg_sleep(0.1)`.execute(trx);
      return createPlan("org-a", "Race")(trx);
    };
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => runIdempotent(db, SCHEMA, command, slowCreatePlan)),
    );
    expect(outcomes.filter((o) => !o.replayed)).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.result.planId)).size).toBe(1);
    expect(await countRows(db, "plans")).toBe(before + 1);
  });

  it("treats requests that differ only in key order as the same request", async () => {
    const base = { orgId: "org-a", key: "k-order", operation: "plans.create" };
    const request = { name: "Order", roles: { lead: "ann", member: "bob" } };
    await runIdempotent(db, SCHEMA, { ...base, request }, createPlan("org-a", "Order"));
    const reordered = { roles: { member: "bob", lead: "ann" }, name: "Order" };
    const again = await runIdempotent(
      db,
      SCHEMA,
      { ...base, request: reordered },
      createPlan("org-a", "Order"),
    );
    expect(again.replayed).toBe(true);
  });

  it("refuses a key reused for a different request or operation with SB_ERR_CONFLICT", async () => {
    const base = { orgId: "org-a", key: "k-conflict", operation: "plans.create" };
    await runIdempotent(db, SCHEMA, { ...base, request: { name: "One" } }, createPlan("org-a", "One"));
    const before = await countRows(db, "plans");
    const otherRequest = runIdempotent(
      db,
      SCHEMA,
      { ...base, request: { name: "Two" } },
      createPlan("org-a", "Two"),
    );
    await expect(otherRequest).rejects.toMatchObject({ code: "SB_ERR_CONFLICT" });
    await expect(otherRequest).rejects.toThrow(
      /idempotency key "k-conflict" was already used for a different request/,
    );
    const otherOperation = runIdempotent(
      db,
      SCHEMA,
      { ...base, operation: "plans.rename", request: { name: "One" } },
      createPlan("org-a", "One"),
    );
    await expect(otherOperation).rejects.toMatchObject({ code: "SB_ERR_CONFLICT" });
    expect(await countRows(db, "plans")).toBe(before);
  });

  it("stores nothing when the work throws, so a retry with the same key runs it", async () => {
    const command = { orgId: "org-a", key: "k-retry", operation: "plans.create", request: { name: "Retry" } };
    const plansBefore = await countRows(db, "plans");
    const keysBefore = await countRows(db, "idempotency_keys");
    const failing = runIdempotent(db, SCHEMA, command, async (trx) => {
      await createPlan("org-a", "Retry")(trx);
      throw new Error("downstream unavailable");
    });
    await expect(failing).rejects.toThrow("downstream unavailable");
    expect(await countRows(db, "plans")).toBe(plansBefore);
    expect(await countRows(db, "idempotency_keys")).toBe(keysBefore);
    const retry = await runIdempotent(db, SCHEMA, command, createPlan("org-a", "Retry"));
    expect(retry.replayed).toBe(false);
    expect(await countRows(db, "plans")).toBe(plansBefore + 1);
  });

  it("scopes keys per org", async () => {
    const command = { key: "k-shared", operation: "plans.create", request: { name: "Shared" } };
    const a = await runIdempotent(db, SCHEMA, { ...command, orgId: "org-a" }, createPlan("org-a", "Shared"));
    const b = await runIdempotent(db, SCHEMA, { ...command, orgId: "org-b" }, createPlan("org-b", "Shared"));
    expect([a.replayed, b.replayed]).toEqual([false, false]);
    expect(a.result.planId).not.toBe(b.result.planId);
  });

  it("without a key runs the work every time, in a transaction", async () => {
    const before = await countRows(db, "plans");
    const command = { orgId: "org-a", key: undefined, operation: "plans.create", request: {} };
    const outcomes = [
      await runIdempotent(db, SCHEMA, command, createPlan("org-a", "Keyless")),
      await runIdempotent(db, SCHEMA, command, createPlan("org-a", "Keyless")),
    ];
    expect(outcomes.map((o) => o.replayed)).toEqual([false, false]);
    expect(await countRows(db, "plans")).toBe(before + 2);
    const failing = runIdempotent(db, SCHEMA, command, async (trx) => {
      await createPlan("org-a", "Keyless")(trx);
      throw new Error("no");
    });
    await expect(failing).rejects.toThrow("no");
    expect(await countRows(db, "plans")).toBe(before + 2);
  });

  it("replays null and undefined results as they were", async () => {
    const base = { orgId: "org-a", operation: "plans.noop", request: {} };
    for (const [key, value] of [
      ["k-null", null],
      ["k-undefined", undefined],
    ] as const) {
      const first = await runIdempotent(db, SCHEMA, { ...base, key }, async () => value);
      const again = await runIdempotent(db, SCHEMA, { ...base, key }, async () => "not run");
      expect(first).toEqual({ result: value, replayed: false });
      expect(again.replayed).toBe(true);
      expect(again.result).toBe(value);
    }
  });

  it("returns the JSON form of the result on the first run too, so a replay is identical", async () => {
    const command = { orgId: "org-a", key: "k-json", operation: "plans.noop", request: {} };
    const at = new Date("2025-01-02T03:04:05.000Z");
    const first = await runIdempotent(db, SCHEMA, command, async () => ({ at }));
    const again = await runIdempotent(db, SCHEMA, command, async () => ({ at }));
    expect(first.result).toEqual({ at: "2025-01-02T03:04:05.000Z" });
    expect(again.result).toEqual(first.result);
  });

  it("rejects an empty key", async () => {
    const command = { orgId: "org-a", key: "", operation: "plans.create", request: {} };
    await expect(runIdempotent(db, SCHEMA, command, createPlan("org-a", "x"))).rejects.toMatchObject({
      code: "SB_ERR_VALIDATION",
    });
  });

  it("forgets keys older than the retention, in batches; a repeat after that runs again", async () => {
    const command = (key: string) => ({
      orgId: "org-r",
      key,
      operation: "plans.create",
      request: { name: key },
    });
    for (const key of ["r-old-1", "r-old-2", "r-old-3", "r-new"]) {
      await runIdempotent(db, SCHEMA, command(key), createPlan("org-r", key));
    }
    await sql`update plans.idempotency_keys set created_at = now() - interval '40 days'
      where org_id = 'org-r' and key like 'r-old-%'`.execute(db);
    const before = new Date(Date.now() - 31 * 86_400_000);
    expect(await deleteIdempotencyKeysBefore(db, SCHEMA, before)).toBe(3);
    expect(await deleteIdempotencyKeysBefore(db, SCHEMA, before)).toBe(0);
    const kept = await db
      .withSchema(SCHEMA)
      .selectFrom("idempotency_keys")
      .select("key")
      .where("org_id", "=", "org-r")
      .execute();
    expect(kept.map((r) => r.key)).toEqual(["r-new"]);
    expect((await runIdempotent(db, SCHEMA, command("r-new"), createPlan("org-r", "r-new"))).replayed).toBe(
      true,
    );
    expect(
      (await runIdempotent(db, SCHEMA, command("r-old-1"), createPlan("org-r", "r-old-1"))).replayed,
    ).toBe(false);
  });
});

describe("runIdempotent on PGlite", () => {
  let dir: string;
  let database: Database<PlanTables>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sb-db-"));
    database = await startDatabase(() => openDatabase<PlanTables>({ pgliteDir: dir }));
  });

  afterAll(async () => {
    await database?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("replays the first result and runs the work once, also when callers race", async () => {
    const { db } = database;
    const command = { orgId: "org-a", key: "k-lite", operation: "plans.create", request: { name: "Lite" } };
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => runIdempotent(db, SCHEMA, command, createPlan("org-a", "Lite"))),
    );
    expect(outcomes.filter((o) => !o.replayed)).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.result.planId)).size).toBe(1);
    expect(await countRows(db, "plans")).toBe(1);
    const conflicting = runIdempotent(
      db,
      SCHEMA,
      { ...command, request: { name: "Other" } },
      createPlan("org-a", "x"),
    );
    await expect(conflicting).rejects.toMatchObject({ code: "SB_ERR_CONFLICT" });
  });
});
