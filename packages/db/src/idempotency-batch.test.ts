import { ErrorCodes } from "@switchboard/errors";
import { createTestDatabase, type TestDatabase } from "@switchboard/testing";
import { sql, type Generated, type Kysely, type Transaction } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  idempotencyMigration,
  migrateSchema,
  openDatabase,
  runIdempotent,
  runIdempotentBatch,
  type AfterCommit,
  type BatchOutcome,
  type Database,
  type IdempotencyTables,
} from "./index.js";

const SCHEMA = "plans";

interface PlanTables extends IdempotencyTables {
  plans: { id: Generated<number>; org_id: string; name: string };
}

interface CreatePlan {
  orgId: string;
  key: string | undefined;
  operation: string;
  request: { name: string };
}

const create = (orgId: string, key: string | undefined, name: string): CreatePlan => ({
  orgId,
  key,
  operation: "plans.create",
  request: { name },
});

/** The batch's work: one INSERT of every plan, answering each one's id; a plan named "bad" fails it. */
function createPlans(calls?: CreatePlan[][]) {
  return async (trx: Transaction<PlanTables>, commands: readonly CreatePlan[]) => {
    calls?.push([...commands]);
    if (commands.some((c) => c.request.name === "bad")) throw new Error("a plan cannot be named bad");
    const rows = await trx
      .withSchema(SCHEMA)
      .insertInto("plans")
      .values(commands.map((c) => ({ org_id: c.orgId, name: c.request.name })))
      .returning(["id", "name"])
      .execute();
    return rows.map((r) => ({ planId: r.id, name: r.name }));
  };
}

const results = <T>(outcomes: BatchOutcome<T>[]) =>
  outcomes.map((o) => (o.ok ? { result: o.result, replayed: o.replayed } : { error: o.error }));

describe("runIdempotentBatch on PostgreSQL", () => {
  let testDb: TestDatabase;
  let database: Database<PlanTables>;
  let db: Kysely<PlanTables>;

  const plansNamed = async (prefix: string) =>
    (
      await db
        .withSchema(SCHEMA)
        .selectFrom("plans")
        .select("name")
        .where("name", "like", `${prefix}%`)
        .orderBy("name")
        .execute()
    ).map((r) => r.name);

  beforeAll(async () => {
    testDb = await createTestDatabase("sb_db_batch");
    database = await openDatabase<PlanTables>({ url: testDb.url, poolSize: 12 });
    db = database.db;
    const migrated = await migrateSchema(db, SCHEMA, {
      "0001_idempotency": idempotencyMigration(),
      "0002_plans": {
        async up(d) {
          await d.schema
            .createTable("plans")
            .addColumn("id", "serial", (col) => col.primaryKey())
            .addColumn("org_id", "text", (col) => col.notNull())
            .addColumn("name", "text", (col) => col.notNull())
            .execute();
        },
      },
    });
    if (!migrated.ok) throw new Error(migrated.error.message);
  });

  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  it("runs the work once for the whole batch and replays each command's result on a repeat", async () => {
    const calls: CreatePlan[][] = [];
    const batch = [1, 2, 3, 4, 5].map((n) => create("org-a", `once-${n}`, `once-${n}`));
    const first = await runIdempotentBatch(db, SCHEMA, batch, createPlans(calls));
    expect(calls.map((c) => c.length)).toEqual([5]);
    expect(first.map((o) => o.ok && !o.replayed)).toEqual([true, true, true, true, true]);
    expect(first.map((o) => o.ok && o.result.name)).toEqual(batch.map((c) => c.request.name));

    const again = await runIdempotentBatch(db, SCHEMA, batch, createPlans(calls));
    expect(calls).toHaveLength(1);
    expect(results(again)).toEqual(first.map((o) => ({ result: o.ok && o.result, replayed: true })));
    expect(await plansNamed("once-")).toEqual(["once-1", "once-2", "once-3", "once-4", "once-5"]);
  });

  it("shares keys with runIdempotent: a key first used alone is replayed in a batch", async () => {
    const alone = await runIdempotent(db, SCHEMA, create("org-a", "shared", "shared"), async (trx) => {
      const [result] = await createPlans()(trx, [create("org-a", "shared", "shared")]);
      return result!;
    });
    const batch = await runIdempotentBatch(
      db,
      SCHEMA,
      [create("org-a", "shared", "shared"), create("org-a", "shared-2", "shared-2")],
      createPlans(),
    );
    expect(results(batch)[0]).toEqual({ result: alone.result, replayed: true });
    expect(batch[1]).toMatchObject({ ok: true, replayed: false });
    expect(await plansNamed("shared")).toEqual(["shared", "shared-2"]);
  });

  it("a key twice in one batch: the second replays the first, or conflicts if its request differs", async () => {
    const calls: CreatePlan[][] = [];
    const outcomes = await runIdempotentBatch(
      db,
      SCHEMA,
      [
        create("org-a", "twice", "twice"),
        create("org-a", "twice", "twice"),
        create("org-a", "twice", "other"),
      ],
      createPlans(calls),
    );
    expect(calls.map((c) => c.map((x) => x.request.name))).toEqual([["twice"]]);
    expect(outcomes[0]).toMatchObject({ ok: true, replayed: false });
    expect(results(outcomes)[1]).toEqual({ result: outcomes[0]!.ok && outcomes[0]!.result, replayed: true });
    expect(outcomes[2]).toMatchObject({ ok: false, error: { code: ErrorCodes.Conflict } });
    expect(await plansNamed("twice")).toEqual(["twice"]);
  });

  it("refuses only the command whose key was used for a different request", async () => {
    await runIdempotentBatch(db, SCHEMA, [create("org-a", "taken", "taken")], createPlans());
    const outcomes = await runIdempotentBatch(
      db,
      SCHEMA,
      [create("org-a", "taken", "not-taken"), create("org-a", "free", "free")],
      createPlans(),
    );
    expect(outcomes[0]).toMatchObject({ ok: false, error: { code: ErrorCodes.Conflict } });
    expect(outcomes[1]).toMatchObject({ ok: true, replayed: false, result: { name: "free" } });
    expect(await plansNamed("not-taken")).toEqual([]);
  });

  it("a command that fails fails alone: the others run, and nothing of it is stored, so a retry runs", async () => {
    const outcomes = await runIdempotentBatch(
      db,
      SCHEMA,
      [create("org-a", "ok-1", "ok-1"), create("org-a", "fails", "bad"), create("org-a", "ok-2", "ok-2")],
      createPlans(),
    );
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(outcomes[1]).toMatchObject({ ok: false, error: { message: "a plan cannot be named bad" } });
    expect(await plansNamed("ok-")).toEqual(["ok-1", "ok-2"]);
    const keys = await db
      .withSchema(SCHEMA)
      .selectFrom("idempotency_keys")
      .select("key")
      .where("key", "=", "fails")
      .execute();
    expect(keys).toEqual([]);
  });

  it("runs what the work leaves for after its commit once the transaction commits, never for one rolled back", async () => {
    const ran: string[][] = [];
    const seen: Array<Promise<string[]>> = [];
    const work = async (
      trx: Transaction<PlanTables>,
      commands: readonly CreatePlan[],
      afterCommit: AfterCommit,
    ) => {
      const names = commands.map((c) => c.request.name);
      afterCommit(() => {
        ran.push(names);
        // Another connection of the pool: it sees the rows only once they are committed.
        seen.push(plansNamed("after-"));
      });
      return createPlans()(trx, commands);
    };
    const batch = [create("org-a", "after-1", "after-1"), create("org-a", "after-2", "after-2")];
    expect((await runIdempotentBatch(db, SCHEMA, batch, work)).map((o) => o.ok)).toEqual([true, true]);
    expect(ran).toEqual([["after-1", "after-2"]]);
    expect(await Promise.all(seen)).toEqual([["after-1", "after-2"]]);

    // A repeat replays: no work, nothing to run.
    await runIdempotentBatch(db, SCHEMA, batch, work);
    expect(ran).toHaveLength(1);

    // The batch's transaction rolls back ("bad"): its registration never runs; each command then
    // runs alone, and only those that commit run theirs.
    ran.length = 0;
    const outcomes = await runIdempotentBatch(
      db,
      SCHEMA,
      [
        create("org-a", "after-3", "after-3"),
        create("org-a", "after-bad", "bad"),
        create("org-a", "after-4", "after-4"),
      ],
      work,
    );
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(ran.sort()).toEqual([["after-3"], ["after-4"]]);
  });

  it("refuses an invalid key for its command only, and runs commands without a key every time", async () => {
    const calls: CreatePlan[][] = [];
    const batch = [create("org-a", "", "empty-key"), create("org-a", undefined, "no-key")];
    const first = await runIdempotentBatch(db, SCHEMA, batch, createPlans(calls));
    const second = await runIdempotentBatch(db, SCHEMA, batch, createPlans(calls));
    for (const outcomes of [first, second]) {
      expect(outcomes[0]).toMatchObject({ ok: false, error: { code: ErrorCodes.Validation } });
      expect(outcomes[1]).toMatchObject({ ok: true, replayed: false });
    }
    expect(await plansNamed("no-key")).toEqual(["no-key", "no-key"]);
    expect(await plansNamed("empty-key")).toEqual([]);
  });

  it("scopes keys per org", async () => {
    const outcomes = await runIdempotentBatch(
      db,
      SCHEMA,
      [create("org-a", "per-org", "per-org-a"), create("org-b", "per-org", "per-org-b")],
      createPlans(),
    );
    expect(outcomes.map((o) => o.ok && !o.replayed)).toEqual([true, true]);
    expect(await plansNamed("per-org")).toEqual(["per-org-a", "per-org-b"]);
  });

  it("runs each key exactly once when batches that share keys race in opposite orders", async () => {
    // Each key's insert takes a millisecond, so the batches' inserts overlap (else one process
    // building them one after the other would rarely let them meet).
    await sql`create function plans.slow_key() returns trigger language plpgsql as
      $$ begin perform pg_sleep(0.001); return new; end $$`.execute(db);
    await sql`create trigger slow_key before insert on plans.idempotency_keys
      for each row execute function plans.slow_key()`.execute(db);
    for (let round = 0; round < 3; round++) {
      const keys = Array.from({ length: 100 }, (_, n) => `race-${round}-${String(n).padStart(3, "0")}`);
      const batches = [keys, [...keys].reverse(), keys.slice(50), [...keys.slice(0, 60)].reverse()];
      const calls: CreatePlan[][] = [];
      const outcomes = await Promise.all(
        batches.map((batch) =>
          runIdempotentBatch(
            db,
            SCHEMA,
            batch.map((k) => create("org-a", k, k)),
            createPlans(calls),
          ),
        ),
      );
      // At most one run of the work per batch: none fell back to running its commands alone, as a
      // deadlock between the batches would have made it.
      expect(calls.length).toBeLessThanOrEqual(batches.length);
      expect(outcomes.flat().filter((o) => !o.ok)).toEqual([]);
      expect(outcomes.flat().filter((o) => o.ok && !o.replayed)).toHaveLength(100);
      expect(await plansNamed(`race-${round}-`)).toEqual(keys);
    }
    await sql`drop trigger slow_key on plans.idempotency_keys`.execute(db);
  });
});
