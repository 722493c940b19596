import { createTestDatabase, type TestDatabase } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  deleteHealthHoursBefore,
  HealthCountWriter,
  healthTablesMigration,
  HOUR_MS,
  migrateSchema,
  noCount,
  openDatabase,
  readHealthFigures,
  type Database,
  type HealthCount,
  type HealthTables,
} from "./index.js";

const TABLES: HealthTables = { schema: "svc", hours: "thing_hours", latest: "thing_latest" };
const NOW = Date.parse("2026-12-03T10:42:00Z");
const THIS_HOUR = Date.parse("2026-12-03T10:00:00Z");

const count = (item: string, hour: number, over: Partial<HealthCount>): HealthCount => ({
  ...noCount("hrh", item, hour),
  ...over,
});

describe("health counts", () => {
  let testDb: TestDatabase;
  let database: Database<object>;

  beforeAll(async () => {
    testDb = await createTestDatabase("sb_db_health");
    database = await openDatabase<object>({ url: testDb.url });
    const migrated = await migrateSchema(database.db, "svc", { "001_health": healthTablesMigration(TABLES) });
    expect(migrated.ok).toBe(true);
  });
  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  it("with a linger, writes what was handed over meanwhile together, after the linger", async () => {
    const errors: unknown[] = [];
    const writer = new HealthCountWriter(database.db, TABLES, (error) => errors.push(error), {
      lingerMs: 300,
    });
    writer.add([count("lingered", THIS_HOUR, { succeeded: 1, lastSuccessAt: NOW - 2_000 })]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    writer.add([count("lingered", THIS_HOUR, { succeeded: 2, lastSuccessAt: NOW - 1_000 })]);
    expect(
      (await readHealthFigures(database.db, TABLES, "hrh", new Date(NOW))).get("lingered"),
    ).toBeUndefined();
    await writer.drain();
    expect(errors).toEqual([]);
    expect((await readHealthFigures(database.db, TABLES, "hrh", new Date(NOW))).get("lingered")).toEqual({
      succeeded: 3,
      failed: 0,
      lastSuccessAt: new Date(NOW - 1_000),
      lastFailureAt: null,
      lastFailureReason: null,
    });
  });

  it("adds up what writers hand over, keeps the latest times and the last failure's reason", async () => {
    const errors: unknown[] = [];
    const writer = new HealthCountWriter(database.db, TABLES, (error) => errors.push(error));
    writer.add([count("a", THIS_HOUR, { succeeded: 2, lastSuccessAt: NOW - 5_000 })]);
    writer.add([
      count("a", THIS_HOUR, { failed: 1, lastFailureAt: NOW - 1_000, lastFailureReason: "invalid" }),
      count("a", THIS_HOUR - 2 * HOUR_MS, {
        failed: 3,
        lastFailureAt: NOW - 2 * HOUR_MS,
        lastFailureReason: "old",
      }),
    ]);
    await writer.drain();
    // An older failure written later does not take the last one's place.
    writer.add([
      count("a", THIS_HOUR, { failed: 1, lastFailureAt: NOW - 60_000, lastFailureReason: "older" }),
    ]);
    // Counted 30 hours ago: outside the 24 hours, its last success still on record.
    writer.add([count("b", THIS_HOUR - 30 * HOUR_MS, { succeeded: 4, lastSuccessAt: NOW - 30 * HOUR_MS })]);
    await writer.drain();
    expect(errors).toEqual([]);

    const figures = await readHealthFigures(database.db, TABLES, "hrh", new Date(NOW));
    expect(figures.get("a")).toEqual({
      succeeded: 2,
      failed: 5,
      lastSuccessAt: new Date(NOW - 5_000),
      lastFailureAt: new Date(NOW - 1_000),
      lastFailureReason: "invalid",
    });
    expect(figures.get("b")).toEqual({
      succeeded: 0,
      failed: 0,
      lastSuccessAt: new Date(NOW - 30 * HOUR_MS),
      lastFailureAt: null,
      lastFailureReason: null,
    });
    expect((await readHealthFigures(database.db, TABLES, "other", new Date(NOW))).size).toBe(0);
  });

  it("prunes hourly counts before a time and keeps the latest times", async () => {
    expect(await deleteHealthHoursBefore(database.db, TABLES, new Date(NOW - 24 * HOUR_MS))).toBe(1);
    const figures = await readHealthFigures(database.db, TABLES, "hrh", new Date(NOW));
    expect(figures.get("b")?.lastSuccessAt).toEqual(new Date(NOW - 30 * HOUR_MS));
  });
});
