import { createLogger } from "@switchboard/logger";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEngineDatabase, type EngineDatabase } from "../../test/support/engine-database.js";
import { SCHEMA } from "../migrations.js";
import { SamplePruner, saveSamples } from "./samples.js";

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

  it("keeps the last 100 of an event, cut back after the batches that wrote them, and no other event's", async () => {
    const pruner = new SamplePruner(database.db, createLogger({ level: "silent" }));
    await saveSamples(database.db, [
      { orgId: "org-a", name: "other", messageId: "o-1", payload: {}, valid: true },
    ]);
    for (let batch = 0; batch < 13; batch++) {
      const samples = Array.from({ length: 10 }, (_, i) => ({
        orgId: "org-a",
        name: "slotBooked",
        messageId: `s-${batch * 10 + i + 1}`,
        payload: { n: batch * 10 + i + 1 },
        valid: true,
      }));
      pruner.schedule(await database.db.transaction().execute((trx) => saveSamples(trx, samples)));
    }
    await pruner.idle();
    const ids = (await kept("slotBooked")).map((r) => r.message_id);
    // Due at the rows whose ids passed a multiple of 25; the last cut, after the 13th batch, keeps 100.
    expect(ids).toHaveLength(100);
    expect(ids[0]).toBe("s-31");
    expect(ids.at(-1)).toBe("s-130");
    expect(await kept("other")).toHaveLength(1);
  });
});
