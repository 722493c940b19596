import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { createLogger } from "@switchboard/logger";
import { startNatsServer, waitFor, type NatsServer } from "@switchboard/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectBus } from "./connection.js";
import type { ConsumedMessage } from "./consumed-message.js";
import { ensureConsumer } from "./consumer-provisioner.js";
import { runConsumer, type ConsumerRunner } from "./consume-loop.js";
import { batchingHandler, type BatchHandler } from "./message-batcher.js";
import { publish } from "./publisher.js";
import { provisionStreams } from "./stream-provisioner.js";

const logger = createLogger({ level: "silent" });
const WAIT = { timeoutMs: 30_000 };

describe("batchingHandler in the consume loop", () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  const runners: ConsumerRunner[] = [];
  let n = 0;

  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connectBus({ servers: server.url, name: "batcher-test", logger });
    js = jetstream(nc);
    jsm = await jetstreamManager(nc);
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
  });
  afterAll(async () => {
    await nc?.close();
    await server?.close();
  });

  /** Publishes `count` messages first, then consumes them with up to 64 in flight through `handle`. */
  async function consumeBacklog(count: number, handle: BatchHandler, maxBatch: number) {
    n += 1;
    const namespace = `mb${n}`;
    const prefix = `MB${n}_`;
    const stream = `${prefix}INBOUND`;
    await provisionStreams(nc, { namespace, prefix, replicas: 1, duplicateWindowMs: 60_000 });
    await ensureConsumer(nc, stream, { durable: "worker", ackWaitMs: 30_000 });
    for (let i = 0; i < count; i++)
      await publish(js, `${namespace}.inbound.acme.e`, { i }, { msgId: `m-${i}` });
    runners.push(
      runConsumer({
        nc,
        stream,
        durable: "worker",
        namespace,
        dlqPrefix: prefix,
        handler: batchingHandler(handle, { maxBatch, lingerMs: 5 }),
        maxDeliver: 3,
        backoffMs: [50],
        stage: "rules",
        logger,
        concurrency: 64,
        pullExpiresMs: 1_000,
      }),
    );
    const settled = () =>
      waitFor(
        async () => {
          const info = await jsm.consumers.info(stream, "worker");
          return info.ack_floor.stream_seq >= count && info.num_ack_pending === 0 && info;
        },
        { ...WAIT, what: `all ${count} messages to be settled` },
      );
    return { settled, dlq: async () => (await jsm.streams.info(`${prefix}DLQ`)).state.messages };
  }

  const indexOf = (m: ConsumedMessage) => m.json<{ i: number }>().i;

  it("hands the messages a pull brings to the handler together, never more than maxBatch, and acks each", async () => {
    const batches: number[][] = [];
    const { settled, dlq } = await consumeBacklog(
      100,
      async (messages) => {
        batches.push(messages.map(indexOf));
        return messages.map(() => ({ kind: "ack" }));
      },
      16,
    );
    await settled();
    const seen = batches.flat().sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(16);
    // 100 backlogged messages and 64 slots: they come in a few batches, not one by one.
    expect(batches.length).toBeLessThan(50);
    expect(await dlq()).toBe(0);
  });

  it("retries only the message whose outcome says so, and the rest of its batch is acked once", async () => {
    const deliveries = new Map<number, number[]>();
    const { settled, dlq } = await consumeBacklog(
      20,
      async (messages) =>
        messages.map((m) => {
          const i = indexOf(m);
          deliveries.set(i, [...(deliveries.get(i) ?? []), m.deliveryCount]);
          return i === 7 && m.deliveryCount === 1 ? { kind: "retry", reason: "busy" } : { kind: "ack" };
        }),
      8,
    );
    await settled();
    expect(deliveries.get(7)).toEqual([1, 2]);
    for (const [i, counts] of deliveries) if (i !== 7) expect(counts, `message ${i}`).toEqual([1]);
    expect(await dlq()).toBe(0);
  });

  it("retries every message of a batch that threw, and dead-letters only the one the handler gives up on", async () => {
    let threw = false;
    const handled: number[] = [];
    const { settled, dlq } = await consumeBacklog(
      10,
      async (messages) => {
        if (!threw) {
          threw = true;
          throw new Error("database unavailable");
        }
        return messages.map((m) => {
          const i = indexOf(m);
          if (i === 3) return { kind: "dead", stage: "invalid", reason: "not for us" };
          handled.push(i);
          return { kind: "ack" };
        });
      },
      10,
    );
    await settled();
    expect(handled.sort((a, b) => a - b)).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9]);
    expect(await dlq()).toBe(1);
  });
});
