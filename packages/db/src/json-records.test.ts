import { createTestDatabase, type TestDatabase } from "@switchboard/testing";
import { sql, type Kysely } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { jsonRecords, openDatabase, recordsJson, type Database } from "./index.js";

interface Tables {
  "app.entries": {
    id: number;
    label: string;
    note: string | null;
    doc: unknown;
    at: Date | null;
    flags: string[] | null;
    amount: string | number | null;
  };
}

const columns = sql`label, note, doc, at, flags, amount`;

describe("jsonRecords", () => {
  let testDb: TestDatabase;
  let database: Database<Tables>;
  let db: Kysely<Tables>;

  beforeAll(async () => {
    testDb = await createTestDatabase("sb_db_json_records");
    database = await openDatabase<Tables>({ url: testDb.url });
    db = database.db;
    await sql`create schema app`.execute(db);
    await sql`create table app.entries (id serial primary key, label text not null, note text, doc jsonb,
      at timestamptz, flags text[], amount numeric)`.execute(db);
  });
  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });
  beforeEach(async () => {
    await sql`truncate app.entries restart identity`.execute(db);
  });

  const insert = (rows: object[]) =>
    sql`insert into app.entries (${columns}) select ${columns} from ${jsonRecords("app.entries", rows)}`.execute(
      db,
    );
  const stored = async () =>
    (await sql<Tables["app.entries"]>`select * from app.entries order by id`.execute(db)).rows;

  it("writes the rows in the order given, each column in its own type", async () => {
    const at = new Date("2026-12-05T10:11:12.345Z");
    await insert([
      {
        label: "first",
        note: 'quotes " and \\ backslashes, a tab\tand a line\nbreak',
        doc: { nested: { list: [1, "two", null, true] }, text: "é ✓ 😀" },
        at,
        flags: ["a", "b,c", 'd"e'],
        amount: "12.25",
      },
      { label: "second" },
      { label: "third", note: null, doc: [] },
    ]);
    const rows = await stored();
    expect(rows.map((r) => r.label)).toEqual(["first", "second", "third"]);
    expect(rows[0]).toMatchObject({
      note: 'quotes " and \\ backslashes, a tab\tand a line\nbreak',
      doc: { nested: { list: [1, "two", null, true] }, text: "é ✓ 😀" },
      flags: ["a", "b,c", 'd"e'],
      amount: 12.25, // numeric, as this package reads it
    });
    expect(rows[0]!.at).toEqual(at);
    // A column left out, or given as null, is SQL NULL.
    expect(rows[1]).toMatchObject({ note: null, doc: null, at: null, flags: null, amount: null });
    expect(rows[2]).toMatchObject({ note: null, doc: [] });
  });

  it("writes a lone surrogate as U+FFFD, as a text parameter would go, and keeps pairs and escaped backslashes", async () => {
    const lone = "cut \ud83d here";
    // The same string as a text parameter, the way a multi-row VALUES sends it.
    await sql`insert into app.entries (label, note) values ('as a parameter', ${lone})`.execute(db);
    await insert([
      { label: "lone", note: lone, doc: { text: "\udc00 end" } },
      { label: "letters", note: "a backslash then \\ud800 as letters", doc: { text: "\\\\ud83d" } },
      { label: "pair", note: "\ud83d\ude00", doc: { text: "\ud83d\ude00" } },
    ]);
    const rows = await stored();
    expect(rows.map((r) => [r.label, r.note, r.doc])).toEqual([
      ["as a parameter", "cut \ufffd here", null],
      ["lone", "cut \ufffd here", { text: "\ufffd end" }],
      ["letters", "a backslash then \\ud800 as letters", { text: "\\\\ud83d" }],
      ["pair", "😀", { text: "😀" }],
    ]);
  });

  it("is JSON.stringify's text when no surrogate stands alone", () => {
    const rows = [{ a: "plain", b: { c: [1, 2] } }, { a: "😀 and \\ud800 as letters" }];
    expect(recordsJson(rows)).toBe(JSON.stringify(rows));
  });
});
