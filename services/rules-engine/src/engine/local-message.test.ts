import type { ConsumedMessage } from "@switchboard/bus";
import { createLogger } from "@switchboard/logger";
import type { EventSource } from "@switchboard/outbox";
import type { CompiledRule } from "@switchboard/rules";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEngineDatabase, type EngineDatabase } from "../../test/support/engine-database.js";
import { SCHEMA } from "../migrations.js";
import { claimKeys } from "./dedup-claims.js";
import { processTriggered, type ProcessorDeps, type Triggered } from "./message-processor.js";

/** A rule that matches every payload and emits one custom event. */
const emitRule = {
  id: "r-emit",
  version: 1,
  enabled: true,
  trigger: { kind: "inbound", name: "slotBooked" },
  description: undefined,
  evaluate: () => ({
    matched: true,
    actions: [
      { index: 0, type: "emit", target: { kind: "emit" }, params: { eventType: "slotSeen", info: {} } },
    ],
  }),
} as unknown as CompiledRule;

describe("a message whose actions call no other service", () => {
  let database: EngineDatabase;
  let deps: ProcessorDeps;
  beforeAll(async () => {
    database = await openEngineDatabase("sb_local");
    deps = {
      db: database.db,
      source: { namespace: "sb", branch: "main", now: () => new Date() } as EventSource,
      call: () => Promise.reject(new Error("no command may be sent for an emit-only rule")),
      logger: createLogger({ level: "silent" }),
      maxDeliver: 5,
      eventsWritten: () => {},
      // No consumer here: every holder is taken to be still at work.
      settled: async () => false,
    };
  });
  afterAll(async () => database?.close());

  const message = (seq: number) => ({ seq, deliveryCount: 1 }) as ConsumedMessage;
  const triggered = (messageId: string, n: number): Triggered => ({
    orgId: "org-a",
    kind: "inbound",
    name: "slotBooked",
    messageId,
    traceId: messageId,
    payload: { n },
    dedup: { mode: "id-or-payload" },
    rules: [emitRule],
    sample: { orgId: "org-a", name: "slotBooked", messageId, payload: { n }, valid: true },
  });
  const countOf = async (table: "rule_runs" | "inbound_samples", messageId: string) =>
    (
      await database.db
        .withSchema(SCHEMA)
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("message_id", "=", messageId)
        .executeTakeFirstOrThrow()
    ).n;

  it("records its run, its event, its sample and its claims done; its data again is a duplicate", async () => {
    expect(await processTriggered(deps, message(1), triggered("m-1", 1))).toEqual({ kind: "ack" });
    expect(await processTriggered(deps, message(2), triggered("m-1-again", 1))).toEqual({ kind: "ack" });
    expect(await countOf("rule_runs", "m-1")).toBe(1);
    expect(await countOf("rule_runs", "m-1-again")).toBe(0);
    expect(await countOf("inbound_samples", "m-1")).toBe(1);
    const claims = await database.db
      .withSchema(SCHEMA)
      .selectFrom("dedup_claims")
      .select("status")
      .where("message_id", "=", "m-1")
      .execute();
    expect(claims.map((c) => c.status)).toEqual(["done", "done"]);
    const outbox = await database.db.withSchema(SCHEMA).selectFrom("outbox").select("subject").execute();
    expect(outbox.map((r) => r.subject)).toEqual(["sb.events.org-a.slotSeen"]);
  });

  it("run by two copies at once, records one run: the second waits for the first, then is a duplicate", async () => {
    const outcomes = await Promise.all([
      processTriggered(deps, message(10), triggered("m-2", 2)),
      processTriggered(deps, message(11), triggered("m-2", 2)),
    ]);
    expect(outcomes).toEqual([{ kind: "ack" }, { kind: "ack" }]);
    expect(await countOf("rule_runs", "m-2")).toBe(1);
  });

  it("is busy while another copy holds its claim, as when that copy runs commands", async () => {
    const keys = [{ kind: "id" as const, value: "m-3" }];
    await database.db
      .transaction()
      .execute((trx) => claimKeys(trx, "org-a", "slotBooked", keys, "m-3", "20"));
    const outcome = await processTriggered(deps, message(21), triggered("m-3", 3));
    expect(outcome).toMatchObject({ kind: "retry", reason: "same data is being processed as message m-3" });
    expect(await countOf("rule_runs", "m-3")).toBe(0);
  });
});
