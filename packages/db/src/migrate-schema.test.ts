import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase } from "@switchboard/testing";
import type { TestDatabase } from "@switchboard/testing";
import { sql } from "kysely";
import type { Generated, Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateSchema, openDatabase } from "./index.js";
import type { Database, Migration } from "./index.js";

/** A service's migrations: one through the query builder, one in raw SQL, both unqualified. */
const itemMigrations: Record<string, Migration> = {
  "0001_items": {
    async up(db) {
      await db.schema
        .createTable("items")
        .addColumn("id", "serial", (col) => col.primaryKey())
        .addColumn("label", "text", (col) => col.notNull())
        .execute();
    },
  },
  "0002_item_notes": {
    async up(db) {
      await sql`create table item_notes (item_id int not null references items (id), note text)`.execute(db);
    },
  },
};

/** The tables the tests query. */
interface ItemTables {
  items: { id: Generated<number>; label: string };
  kysely_migration: { name: string; timestamp: string };
}

async function tablesOf(db: Kysely<ItemTables>, schema: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = ${schema} order by table_name`.execute(db);
  return rows.map((r) => r.name);
}

async function expectAppliesOnce(db: Kysely<ItemTables>, schema: string): Promise<void> {
  expect(await migrateSchema(db, schema, itemMigrations)).toEqual({
    ok: true,
    value: { applied: ["0001_items", "0002_item_notes"] },
  });
  expect(await migrateSchema(db, schema, itemMigrations)).toEqual({ ok: true, value: { applied: [] } });
  expect(await tablesOf(db, schema)).toEqual([
    "item_notes",
    "items",
    "kysely_migration",
    "kysely_migration_lock",
  ]);
  expect(await tablesOf(db, "public")).toEqual([]);
}

describe("migrateSchema on PostgreSQL", () => {
  let testDb: TestDatabase;
  let database: Database<ItemTables>;
  let second: Database<ItemTables>;

  beforeAll(async () => {
    testDb = await createTestDatabase("sb_db");
    database = await openDatabase<ItemTables>({ url: testDb.url });
    second = await openDatabase<ItemTables>({ url: testDb.url });
  });

  afterAll(async () => {
    await database?.close();
    await second?.close();
    await testDb?.drop();
  });

  it("creates the schema, applies each migration once and puts every table inside the schema", async () => {
    await expectAppliesOnce(database.db, "plans");
  });

  it("keeps same-named tables of two schemas apart", async () => {
    for (const schema of ["forms", "work_queues"]) {
      expect((await migrateSchema(database.db, schema, itemMigrations)).ok).toBe(true);
    }
    await database.db.withSchema("forms").insertInto("items").values({ label: "a form" }).execute();
    const workQueueItems = await database.db
      .withSchema("work_queues")
      .selectFrom("items")
      .selectAll()
      .execute();
    const formItems = await database.db.withSchema("forms").selectFrom("items").select("label").execute();
    expect(workQueueItems).toEqual([]);
    expect(formItems).toEqual([{ label: "a form" }]);
  });

  it("lets two pools migrate the same schema at once without applying anything twice", async () => {
    const slow: Record<string, Migration> = {
      ...itemMigrations,
      // Holds the lock a moment so the other migrator arrives while this one runs.
      "0003_pause": { up: async (db) => void (await sql`select pg_sleep(0.2)`.execute(db)) },
    };
    const results = await Promise.all([
      migrateSchema(database.db, "tenancy", slow),
      migrateSchema(second.db, "tenancy", slow),
    ]);
    const applied = results.map((r) => (r.ok ? r.value.applied : ["failed: " + r.error.message]));
    expect(applied.sort((a, b) => a.length - b.length)).toEqual([
      [],
      ["0001_items", "0002_item_notes", "0003_pause"],
    ]);
    const history = await database.db
      .withSchema("tenancy")
      .selectFrom("kysely_migration")
      .select("name")
      .execute();
    expect(history).toHaveLength(3);
  });

  it("lets another schema migrate while one schema's migration is still running", async () => {
    let otherDone!: () => void;
    const otherFinished = new Promise<void>((resolve) => (otherDone = resolve));
    let blockingStarted!: () => void;
    const started = new Promise<void>((resolve) => (blockingStarted = resolve));
    // This migration finishes only after the other schema's migrator has: with one lock for all
    // schemas the two would wait for each other forever.
    const blocking = migrateSchema(database.db, "blocking", {
      "0001_wait": {
        async up() {
          blockingStarted();
          await otherFinished;
        },
      },
    });
    await started;
    // A deadlock guard, not a speed check: on timeout, release the first migrator and fail.
    let guard: NodeJS.Timeout | undefined;
    const other = await Promise.race([
      migrateSchema(second.db, "independent", itemMigrations),
      new Promise<"deadlocked">((resolve) => (guard = setTimeout(() => resolve("deadlocked"), 20_000))),
    ]);
    clearTimeout(guard);
    otherDone();
    expect(other).toMatchObject({ ok: true });
    expect(await blocking).toEqual({ ok: true, value: { applied: ["0001_wait"] } });
  });

  it("reports a failing migration as a value and rolls back the whole run", async () => {
    const broken: Record<string, Migration> = {
      ...itemMigrations,
      "0003_broken": { up: async (db) => void (await sql`select * from no_such_table`.execute(db)) },
    };
    const result = await migrateSchema(database.db, "broken", broken);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ schema: "broken", migration: "0003_broken" });
    expect(result.error.message).toMatch(
      /migration "0003_broken" of schema "broken" failed: .*no_such_table/,
    );
    expect(await tablesOf(database.db, "broken")).toEqual(["kysely_migration", "kysely_migration_lock"]);
    expect(await migrateSchema(database.db, "broken", itemMigrations)).toEqual({
      ok: true,
      value: { applied: ["0001_items", "0002_item_notes"] },
    });
  });

  it("refuses a schema name that would need quoting", async () => {
    await expect(migrateSchema(database.db, "Plans; drop", itemMigrations)).rejects.toMatchObject({
      code: "SB_ERR_INVALID_NAME",
    });
  });
});

describe("migrateSchema on PGlite", () => {
  let dir: string;
  let database: Database<ItemTables>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sb-db-"));
    database = await openDatabase<ItemTables>({ pgliteDir: dir });
  });

  afterAll(async () => {
    await database?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("applies each migration once, inside the schema", async () => {
    await expectAppliesOnce(database.db, "plans");
  });

  it("serialises two migrators of the same schema", async () => {
    const results = await Promise.all([
      migrateSchema(database.db, "forms", itemMigrations),
      migrateSchema(database.db, "forms", itemMigrations),
    ]);
    const applied = results.map((r) => (r.ok ? r.value.applied.length : -1)).sort();
    expect(applied).toEqual([0, 2]);
  });
});
