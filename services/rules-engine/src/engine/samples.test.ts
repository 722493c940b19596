import { createLogger } from "@switchboard/logger";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEngineDatabase, type EngineDatabase } from "../../test/support/engine-database.js";
import { SCHEMA } from "../migrations.js";
import { insertingSamples, SamplePruner, SampleRate, type Sample } from "./samples.js";

describe("inbound samples", () => {
  let database: EngineDatabase;
  beforeAll(async () => {
    database = await openEngineDatabase("sb_samples");
  });
  afterAll(async () => database?.close());

  const kept = (name: string) =>
    database.db
      .withSchema(SCHEMA)
      .selectFrom("inbound_samples")
      .select("message_id")
      .where("name", "=", name)
      .orderBy("id")
      .execute();

  const save = (samples: Sample[]) => insertingSamples(samples)!.execute(database.db);

  it("keeps the last 100 of an event, cut back after every 50 written, and no other event's", async () => {
    const pruner = new SamplePruner(database.db, createLogger({ level: "silent" }));
    const other = [{ orgId: "org-a", name: "other", messageId: "o-1", payload: {}, valid: true }];
    await save(other);
    pruner.written(other);
    const batch = (b: number) =>
      Array.from({ length: 10 }, (_, i) => ({
        orgId: "org-a",
        name: "slotBooked",
        messageId: `s-${b * 10 + i + 1}`,
        payload: { n: b * 10 + i + 1 },
        valid: true,
      }));
    for (let b = 0; b < 15; b++) {
      await save(batch(b));
      pruner.written(batch(b));
    }
    await pruner.idle();
    // Cut after the 5th, 10th and 15th batches: the last keeps s-51 … s-150.
    let ids = (await kept("slotBooked")).map((r) => r.message_id);
    expect(ids).toHaveLength(100);
    expect(ids[0]).toBe("s-51");
    expect(ids.at(-1)).toBe("s-150");
    // Fewer than 50 more: not cut yet.
    await save(batch(15));
    pruner.written(batch(15));
    await pruner.idle();
    ids = (await kept("slotBooked")).map((r) => r.message_id);
    expect([ids.length, ids.at(-1)]).toEqual([110, "s-160"]);
    expect(await kept("other")).toHaveLength(1);
  });

  it("writes every sample of an event that comes less often than the rate, and a sample of a busy one", () => {
    const rate = new SampleRate({ perSecond: 10, burst: 5 });
    const booked = { orgId: "org-a", name: "slotBooked", valid: true };
    const admitted = (at: number, n: number, sample = booked) =>
      Array.from({ length: n }, () => rate.admits(sample, at)).filter(Boolean).length;
    // A burst: the first five, then nothing until time has passed.
    expect(admitted(0, 8)).toBe(5);
    // 10 a second: one per 100 ms, never more than the burst after a quiet spell.
    expect(admitted(100, 3)).toBe(1);
    expect(admitted(350, 3)).toBe(2);
    expect(admitted(60_000, 9)).toBe(5);
    // Invalid messages of the event, and another event or org, have buckets of their own.
    expect(admitted(60_000, 6, { ...booked, valid: false })).toBe(5);
    expect(admitted(60_000, 6, { ...booked, name: "slotCancelled" })).toBe(5);
    expect(admitted(60_000, 6, { ...booked, orgId: "org-b" })).toBe(5);
    // A clock that steps back refills nothing, and the second it stepped over is not counted twice.
    expect(admitted(59_000, 1)).toBe(0);
    expect(admitted(60_100, 2)).toBe(1);
  });
});
