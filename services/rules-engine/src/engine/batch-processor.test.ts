import type { ConsumedMessage } from "@switchboard/bus";
import { UnavailableError } from "@switchboard/errors";
import { createLogger } from "@switchboard/logger";
import type { EventSource, OutboxRow } from "@switchboard/outbox";
import type { CompiledRule } from "@switchboard/rules";
import type { CommandCaller } from "@switchboard/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEngineDatabase, type EngineDatabase } from "../../test/support/engine-database.js";
import { SCHEMA } from "../migrations.js";
import { batchProcessor } from "./batch-processor.js";
import { claimBatch } from "./dedup-claims.js";
import type { Intake } from "./intake.js";
import type { ProcessorDeps, Triggered } from "./triggered.js";

/** A rule that matches every payload and emits one custom event. */
const emitRule = {
  id: "r-emit",
  version: 1,
  enabled: true,
  trigger: { kind: "inbound", name: "slotBooked" },
  evaluate: () => ({
    matched: true,
    actions: [
      { index: 0, type: "emit", target: { kind: "emit" }, params: { eventType: "slotSeen", info: {} } },
    ],
  }),
} as unknown as CompiledRule;

/** A rule that assigns a form to the payload's user: a command to the forms service. */
const assignRule = {
  id: "r-assign",
  version: 1,
  enabled: true,
  trigger: { kind: "inbound", name: "slotBooked" },
  evaluate: (payload: { user: string }) => ({
    matched: true,
    actions: [
      {
        index: 0,
        type: "assignForm",
        target: { kind: "command", service: "forms", command: "assignForm" },
        params: { userId: payload.user, formName: "Reminder" },
      },
    ],
  }),
} as unknown as CompiledRule;

interface TestMessage {
  seq: number;
  deliveryCount?: number;
  messageId: string;
  payload: { n: number; user?: string };
  rules?: CompiledRule[];
  /** Refused at intake, as an invalid payload is. */
  invalid?: boolean;
}

describe("the engine's batch processing", () => {
  let database: EngineDatabase;
  /** What the forms service was asked, by idempotency key; users in `down` answer as a service that is away. */
  const assigned = new Map<string, unknown>();
  const down = new Set<string>();
  /** The outbox rows handed to the relay, by the commit that wrote them. */
  const handedOver: OutboxRow[][] = [];
  let deps: ProcessorDeps;

  beforeAll(async () => {
    database = await openEngineDatabase("sb_batch");
    const call: CommandCaller = async (service, command, request) => {
      const params = request.params as { userId: string };
      if (down.has(params.userId)) throw new UnavailableError(`${service} is not answering`);
      assigned.set(request.idempotencyKey!, { service, command, params });
      return { id: `a-${params.userId}` };
    };
    deps = {
      db: database.db,
      source: { namespace: "sb", branch: "main", now: () => new Date() } as EventSource,
      call,
      logger: createLogger({ level: "silent" }),
      maxDeliver: 3,
      outbox: {
        claim: { relayId: "relay-test", leaseMs: 5_000 },
        publish: (rows) => {
          if (rows.length > 0) handedOver.push([...rows]);
        },
      },
      // No consumer here: every holder is taken to be still at work.
      settled: async () => false,
    };
  });
  afterAll(async () => database?.close());

  const byMessage = new Map<number, TestMessage>();
  const intake = (msg: ConsumedMessage): Intake => {
    const m = byMessage.get(msg.seq)!;
    if (m.invalid)
      return { kind: "settled", outcome: { kind: "dead", stage: "invalid", reason: "not valid" } };
    const triggered: Triggered = {
      orgId: "org-a",
      kind: "inbound",
      name: "slotBooked",
      messageId: m.messageId,
      traceId: m.messageId,
      payload: m.payload,
      dedup: { mode: "id-or-payload" },
      rules: m.rules ?? [emitRule],
      sample:
        msg.deliveryCount === 1
          ? { orgId: "org-a", name: "slotBooked", messageId: m.messageId, payload: m.payload, valid: true }
          : undefined,
    };
    return { kind: "triggered", triggered };
  };
  const process = (messages: TestMessage[]) => {
    for (const m of messages) byMessage.set(m.seq, m);
    return batchProcessor(
      deps,
      intake,
    )(messages.map((m) => ({ seq: m.seq, deliveryCount: m.deliveryCount ?? 1 }) as ConsumedMessage));
  };
  const count = async (table: "rule_runs" | "inbound_samples", messageId: string) =>
    (
      await database.db
        .withSchema(SCHEMA)
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("message_id", "=", messageId)
        .executeTakeFirstOrThrow()
    ).n;
  const claims = (messageId: string) =>
    database.db
      .withSchema(SCHEMA)
      .selectFrom("dedup_claims")
      .select(["kind", "status", "holder"])
      .where("message_id", "=", messageId)
      .orderBy("kind")
      .execute();

  it("records an emit-only message's run, event, sample and claims in its batch; its data again is a duplicate", async () => {
    expect(await process([{ seq: 1, messageId: "m-1", payload: { n: 1 } }])).toEqual([{ kind: "ack" }]);
    expect(await process([{ seq: 2, messageId: "m-1-again", payload: { n: 1 } }])).toEqual([{ kind: "ack" }]);
    expect(await count("rule_runs", "m-1")).toBe(1);
    expect(await count("rule_runs", "m-1-again")).toBe(0);
    expect(await count("inbound_samples", "m-1")).toBe(1);
    expect((await claims("m-1")).map((c) => c.status)).toEqual(["done", "done"]);
    const outbox = await database.db
      .withSchema(SCHEMA)
      .selectFrom("outbox")
      .select(["message_id", "subject", "claimed_by", "published_at"])
      .execute();
    expect(outbox).toEqual([
      {
        message_id: expect.any(String),
        subject: "sb.events.org-a.slotSeen",
        claimed_by: "relay-test",
        published_at: null,
      },
    ]);
    // The event went to the relay once its batch committed, claimed for it; the duplicate's batch handed over none.
    expect(handedOver.map((rows) => rows.map((r) => [r.message_id, r.subject]))).toEqual([
      [[outbox[0]!.message_id, "sb.events.org-a.slotSeen"]],
    ]);
  });

  it("records a batch of new messages at once; one taken key sends the whole batch the per-message way, each recorded once", async () => {
    const handed = handedOver.length;
    expect(
      await process([
        { seq: 50, messageId: "n-1", payload: { n: 50 } },
        { seq: 51, messageId: "n-2", payload: { n: 51 } },
      ]),
    ).toEqual([{ kind: "ack" }, { kind: "ack" }]);
    expect(await claims("n-1")).toEqual([
      { kind: "id", status: "done", holder: "50" },
      { kind: "payload", status: "done", holder: "50" },
    ]);
    expect(handedOver.slice(handed).map((rows) => rows.length)).toEqual([2]);

    // n-2's data again, between two new messages: the batch's one statement finds the key taken and
    // writes nothing of it, so nothing below is there twice.
    expect(
      await process([
        { seq: 52, messageId: "n-3", payload: { n: 52 } },
        { seq: 53, messageId: "n-2-again", payload: { n: 51 } },
        { seq: 54, messageId: "n-4", payload: { n: 54 } },
      ]),
    ).toEqual([{ kind: "ack" }, { kind: "ack" }, { kind: "ack" }]);
    for (const id of ["n-3", "n-4"]) {
      expect(await count("rule_runs", id), id).toBe(1);
      expect(await count("inbound_samples", id), id).toBe(1);
      expect(
        (await claims(id)).map((c) => c.status),
        id,
      ).toEqual(["done", "done"]);
    }
    expect(await count("rule_runs", "n-2-again")).toBe(0);
    expect(await count("inbound_samples", "n-2-again")).toBe(1);
    expect(await claims("n-2-again")).toEqual([]);
    // Two events for the new messages, handed over once; none for the duplicate.
    expect(handedOver.slice(handed).map((rows) => rows.length)).toEqual([2, 2]);
    const outbox = await database.db.withSchema(SCHEMA).selectFrom("outbox").select("message_id").execute();
    expect(new Set(outbox.map((r) => r.message_id)).size).toBe(outbox.length);
  });

  it("records every message of a busy event but writes samples of it at the sample rate (a burst of 100 at once)", async () => {
    const burst = Array.from({ length: 130 }, (_, i) => ({
      seq: 1_000 + i,
      messageId: `busy-${i}`,
      payload: { n: 10_000 + i },
    }));
    expect(await process(burst)).toEqual(burst.map(() => ({ kind: "ack" })));
    const written = async (table: "rule_runs" | "inbound_samples") =>
      (
        await database.db
          .withSchema(SCHEMA)
          .selectFrom(table)
          .select("message_id")
          .where("message_id", "like", "busy-%")
          .execute()
      ).map((r) => r.message_id);
    expect(await written("rule_runs")).toHaveLength(130);
    // The first 100 of the burst leave their samples; the rest are recorded without one.
    expect((await written("inbound_samples")).sort()).toEqual(
      burst
        .slice(0, 100)
        .map((m) => m.messageId)
        .sort(),
    );
  });

  it("settles each message of a mixed batch on its own outcome, recording only what ran", async () => {
    down.add("pat-down");
    const outcomes = await process([
      { seq: 10, messageId: "b-emit", payload: { n: 10 } },
      { seq: 11, messageId: "b-assign", payload: { n: 11, user: "pat-1" }, rules: [assignRule] },
      { seq: 12, messageId: "b-down", payload: { n: 12, user: "pat-down" }, rules: [assignRule] },
      { seq: 13, messageId: "b-invalid", payload: { n: 13 }, invalid: true },
      { seq: 14, messageId: "b-same-data", payload: { n: 10 } },
    ]);
    expect(outcomes).toEqual([
      { kind: "ack" },
      { kind: "ack" },
      { kind: "retry", reason: "forms is not answering" },
      { kind: "dead", stage: "invalid", reason: "not valid" },
      { kind: "retry", reason: "same data is being processed as message b-emit", delayMs: 500 },
    ]);
    expect(await count("rule_runs", "b-emit")).toBe(1);
    expect(await count("rule_runs", "b-assign")).toBe(1);
    expect(assigned.get("id:b-assign/r-assign@1/0")).toEqual({
      service: "forms",
      command: "assignForm",
      params: { userId: "pat-1", formName: "Reminder" },
    });
    // The message whose command failed keeps its claim for its own redelivery, and records nothing yet.
    expect(await count("rule_runs", "b-down")).toBe(0);
    expect(await claims("b-down")).toEqual([
      { kind: "id", status: "processing", holder: "12" },
      { kind: "payload", status: "processing", holder: "12" },
    ]);

    // Redelivered once the service answers: it runs once and is recorded; the same data again is a duplicate.
    down.delete("pat-down");
    expect(
      await process([
        {
          seq: 12,
          deliveryCount: 2,
          messageId: "b-down",
          payload: { n: 12, user: "pat-down" },
          rules: [assignRule],
        },
        { seq: 14, deliveryCount: 2, messageId: "b-same-data", payload: { n: 10 } },
      ]),
    ).toEqual([{ kind: "ack" }, { kind: "ack" }]);
    expect(await count("rule_runs", "b-down")).toBe(1);
    expect(await count("rule_runs", "b-same-data")).toBe(0);
    expect((await claims("b-down")).map((c) => c.status)).toEqual(["done", "done"]);
  });

  it("dead-letters a message whose retries ran out and frees its claims, so a retry from the desk can run", async () => {
    down.add("pat-gone");
    const message = { messageId: "g-1", payload: { n: 20, user: "pat-gone" }, rules: [assignRule] };
    expect(await process([{ seq: 20, deliveryCount: 3, ...message }])).toEqual([
      {
        kind: "dead",
        stage: "rules",
        reason: "gave up after 3 deliveries: forms is not answering",
      },
    ]);
    expect(await claims("g-1")).toEqual([]);
    down.delete("pat-gone");
    expect(await process([{ seq: 21, ...message }])).toEqual([{ kind: "ack" }]);
    expect(await count("rule_runs", "g-1")).toBe(1);
  });

  it("run by two copies in two batches at once, records one run: the second waits for the first, then is a duplicate", async () => {
    const outcomes = await Promise.all([
      process([{ seq: 30, messageId: "m-2", payload: { n: 30 } }]),
      process([{ seq: 31, messageId: "m-2", payload: { n: 30 } }]),
    ]);
    expect(outcomes.flat()).toEqual([{ kind: "ack" }, { kind: "ack" }]);
    expect(await count("rule_runs", "m-2")).toBe(1);
  });

  it("is busy while another copy holds its claim, as when that copy runs commands", async () => {
    await database.db.transaction().execute((trx) =>
      claimBatch(trx, [
        {
          orgId: "org-a",
          eventName: "slotBooked",
          messageId: "m-3",
          holder: "40",
          keys: [{ kind: "id", value: "m-3" }],
        },
      ]),
    );
    const [outcome] = await process([{ seq: 41, messageId: "m-3", payload: { n: 40 } }]);
    expect(outcome).toMatchObject({ kind: "retry", reason: "same data is being processed as message m-3" });
    expect(await count("rule_runs", "m-3")).toBe(0);
  });
});
