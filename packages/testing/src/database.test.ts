import pg from "pg";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "./database.js";

describe("createTestDatabase", () => {
  it("creates a usable, empty database and drops it even with a connection open", async () => {
    const db = await createTestDatabase();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query("select current_database() as name");
    expect(rows[0].name).toBe(db.name);
    client.on("error", () => {});
    await db.drop();
    const admin = new pg.Client({ connectionString: db.url.replace(db.name, "postgres") });
    await admin.connect();
    const left = await admin.query("select 1 from pg_database where datname = $1", [db.name]);
    await admin.end();
    expect(left.rowCount).toBe(0);
  });
});
