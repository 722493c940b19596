import { createHash } from "node:crypto";
import { openDatabase, type Database } from "@switchboard/db";
import { migrateOrThrow } from "@switchboard/runtime";
import { createTestDatabase, type TestDatabase } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureAdminKey } from "./admin-key.js";
import { findKeyByHash } from "./api-key.repository.js";
import { migrations, SCHEMA } from "./migrations.js";
import type { TenancyDB } from "./tenancy.tables.js";

const KEY = "sbk_tenancy_test_0123456789abcdefghijk";
const hash = (token: string) => createHash("sha256").update(token).digest("hex");

describe("the platform-admin key", () => {
  let testDb: TestDatabase;
  let database: Database<TenancyDB>;
  beforeAll(async () => {
    testDb = await createTestDatabase("sb_tenancy");
    database = await openDatabase<TenancyDB>({ url: testDb.url });
    await migrateOrThrow(database.db, SCHEMA, migrations);
  });
  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  it("is generated once at the first start, and found afterwards", async () => {
    const first = await ensureAdminKey(database.db, undefined);
    expect(first.outcome).toBe("generated");
    expect(await ensureAdminKey(database.db, undefined)).toEqual({ outcome: "existing" });
  });

  it("from the environment gets a public id that tells nothing of the key, the same at every start", async () => {
    const configured = await ensureAdminKey(database.db, KEY);
    if (configured.outcome !== "configured") throw new Error(configured.outcome);
    // The id is in every event's requestedBy: a prefix of the key's unsalted hash would let anyone test guesses.
    expect(configured.keyId).not.toContain(hash(KEY).slice(0, 8));
    expect(configured.keyId).toMatch(/^key_admin_[0-9a-f]{12}$/);
    expect(await ensureAdminKey(database.db, KEY)).toEqual(configured);
    expect((await findKeyByHash(database.db, hash(KEY)))?.roles).toEqual(["platform-admin"]);
  });
});
