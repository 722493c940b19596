import { createTestDatabase, type TestDatabase } from "@switchboard/testing";
import { sql, type Generated, type Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeTogether, openDatabase, type Database } from "./index.js";

interface Tables {
  notes: { id: Generated<number>; body: string; done: boolean };
}

describe("executeTogether", () => {
  let testDb: TestDatabase;
  let database: Database<Tables>;
  let db: Kysely<Tables>;

  beforeAll(async () => {
    testDb = await createTestDatabase("sb_db_together");
    database = await openDatabase<Tables>({ url: testDb.url });
    db = database.db;
    await sql`create table notes (id serial primary key, body text not null unique, done boolean not null)`.execute(
      db,
    );
  });
  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  const bodies = async () =>
    (await db.selectFrom("notes").select(["body", "done"]).orderBy("body").execute()).map(
      (n) => `${n.body}${n.done ? " (done)" : ""}`,
    );

  it("runs an insert, an update and a delete as one statement, each on the rows as they were before it", async () => {
    await db
      .insertInto("notes")
      .values([
        { body: "call back", done: false },
        { body: "old", done: false },
      ])
      .execute();
    await executeTogether(db, [
      db.insertInto("notes").values({ body: "new", done: false }),
      db.updateTable("notes").set({ done: true }),
      sql`delete from notes where body = ${"old"}`,
    ]);
    // The update did not see the row inserted beside it.
    expect(await bodies()).toEqual(["call back (done)", "new"]);
  });

  it("applies all of them or none: a part that fails undoes the others", async () => {
    await expect(
      executeTogether(db, [
        db.updateTable("notes").set({ done: false }),
        db.insertInto("notes").values({ body: "new", done: false }),
      ]),
    ).rejects.toThrow(/duplicate key/);
    expect(await bodies()).toEqual(["call back (done)", "new"]);
  });

  it("answers the rows the last statement returns", async () => {
    const rows = await executeTogether<Tables, { body: string }>(db, [
      db.updateTable("notes").set({ done: false }),
      db.insertInto("notes").values({ body: "later", done: false }).returning("body"),
    ]);
    expect(rows).toEqual([{ body: "later" }]);
    await db.deleteFrom("notes").where("body", "=", "later").execute();
    await db.updateTable("notes").set({ done: true }).where("body", "=", "call back").execute();
  });

  it("runs one statement as it is, and nothing for none", async () => {
    await executeTogether(db, []);
    await executeTogether(db, [db.deleteFrom("notes").where("body", "=", "new")]);
    expect(await bodies()).toEqual(["call back (done)"]);
  });
});
