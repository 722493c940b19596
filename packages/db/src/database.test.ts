import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { createLogger } from "@switchboard/logger";
import { createTestDatabase } from "@switchboard/testing";
import type { TestDatabase } from "@switchboard/testing";
import { sql } from "kysely";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, ping } from "./index.js";
import type { Database, DatabaseLogger } from "./index.js";

async function expectNumericParsing(db: Kysely<object>): Promise<void> {
  const { rows } = await sql<Record<string, unknown>>`
    select count(*) as count,
           9007199254740993::int8 as big,
           sum(x) as total,
           avg(x) as mean,
           array[1, 2]::int8[] as ids
    from (values (2::int8), (3::int8)) as t(x)`.execute(db);
  expect(rows[0]).toEqual({ count: 2, big: 9007199254740993n, total: 5, mean: 2.5, ids: [1, 2] });
}

describe("openDatabase on PostgreSQL", () => {
  let testDb: TestDatabase;
  let database: Database;
  const logLines: string[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase("sb_db");
    const destination = new PassThrough();
    destination.on("data", (chunk: Buffer) => logLines.push(chunk.toString()));
    const logger: DatabaseLogger = createLogger({ level: "info", destination });
    database = await openDatabase({ url: testDb.url, poolSize: 3, applicationName: "sb-db-test" }, logger);
  });

  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  it("opens a pool that answers, named in pg_stat_activity", async () => {
    expect(database.kind).toBe("postgres");
    expect(await ping(database.db)).toBe(true);
    const { rows } = await sql<{ name: string }>`select current_setting('application_name') as name`.execute(
      database.db,
    );
    expect(rows[0]?.name).toBe("sb-db-test");
    expect(logLines.join("")).toContain("database opened");
  });

  it("reads int8 and numeric as numbers where exact, bigint beyond", async () => {
    await expectNumericParsing(database.db);
  });

  it("fails with SB_ERR_UNAVAILABLE when the server cannot be reached, without the password", async () => {
    const opening = openDatabase({ url: "postgres://postgres:hunter2@127.0.0.1:1/nowhere" });
    await expect(opening).rejects.toMatchObject({ code: "SB_ERR_UNAVAILABLE" });
    await expect(opening).rejects.toThrow(/127\.0\.0\.1:1\/nowhere/);
    await expect(opening).rejects.not.toThrow(/hunter2/);
  });

  it("closes once however often close is called; ping then says false", async () => {
    const other = await openDatabase({ url: testDb.url });
    await Promise.all([other.close(), other.close()]);
    await other.close();
    expect(await ping(other.db)).toBe(false);
  });
});

describe("openDatabase on PGlite", () => {
  let dir: string;
  let database: Database;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sb-db-"));
    database = await openDatabase({ pgliteDir: join(dir, "nested", "pgdata") });
  });

  afterAll(async () => {
    await database?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("creates the directory and answers", async () => {
    expect(database.kind).toBe("pglite");
    expect(await ping(database.db)).toBe(true);
  });

  it("parses numbers the same way as PostgreSQL", async () => {
    await expectNumericParsing(database.db);
  });

  it("runs concurrent transactions one after another, each all or nothing", async () => {
    const { db } = database;
    await sql`create table counter (n int not null)`.execute(db);
    await sql`insert into counter values (0)`.execute(db);
    // Read, yield to the event loop, then write: interleaved transactions would lose increments.
    const increment = (fail: boolean) =>
      db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ n: number }>`select n from counter`.execute(trx);
        await new Promise((resolve) => setTimeout(resolve, 5));
        await sql`update counter set n = ${(rows[0]?.n ?? 0) + 1}`.execute(trx);
        if (fail) throw new Error("rolled back on purpose");
      });
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => increment(i % 5 === 4)));
    expect(outcomes.filter((o) => o.status === "rejected")).toHaveLength(2);
    const { rows } = await sql<{ n: number }>`select n from counter`.execute(db);
    expect(rows[0]?.n).toBe(8);
  });

  it("keeps its data across a reopen", async () => {
    await sql`create table kept (note text)`.execute(database.db);
    await sql`insert into kept values ('still here')`.execute(database.db);
    await database.close();
    database = await openDatabase({ pgliteDir: join(dir, "nested", "pgdata") });
    const { rows } = await sql<{ note: string }>`select note from kept`.execute(database.db);
    expect(rows).toEqual([{ note: "still here" }]);
  });
});
