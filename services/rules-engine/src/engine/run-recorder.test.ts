import type { EventSource } from "@switchboard/outbox";
import type { CompiledRule } from "@switchboard/rules";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEngineDatabase, type EngineDatabase } from "../../test/support/engine-database.js";
import { SCHEMA } from "../migrations.js";
import { claimBatch } from "./dedup-claims.js";
import { recordMessages, type MessageRecord } from "./run-recorder.js";

describe("recording a message", () => {
  let database: EngineDatabase;
  beforeAll(async () => {
    database = await openEngineDatabase("sb_runs");
  });
  afterAll(async () => database?.close());

  it("twice at once, for a delivery and its overlapping redelivery, records its runs once", async () => {
    const claim = {
      orgId: "org-a",
      eventName: "slotBooked",
      messageId: "m-1",
      holder: "7",
      keys: [{ kind: "id" as const, value: "m-1" }],
    };
    // The redelivery of the same stream copy takes the claim over while the first delivery still works.
    for (let n = 0; n < 2; n++)
      expect(await database.db.transaction().execute((trx) => claimBatch(trx, [claim]))).toEqual([
        { outcome: "claimed" },
      ]);
    const record: MessageRecord = {
      orgId: "org-a",
      triggerKind: "inbound",
      triggerName: "slotBooked",
      messageId: "m-1",
      dedupKey: "id:m-1",
      keys: claim.keys,
      traceId: "t-1",
      input: { n: 1 },
      runs: [{ rule: { id: "r-1", version: 1 } as CompiledRule, status: "succeeded", actions: [] }],
      complete: true,
    };
    // No rule here emits an event, so the event source is never read.
    const source = {} as EventSource;
    const relay = { relayId: "relay-test", leaseMs: 5_000 };
    await Promise.all([
      recordMessages(database.db, source, relay, [record]),
      recordMessages(database.db, source, relay, [record]),
    ]);
    const runs = await database.db.withSchema(SCHEMA).selectFrom("rule_runs").selectAll().execute();
    expect(runs).toHaveLength(1);
  });
});
