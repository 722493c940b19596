import { PassThrough } from "node:stream";
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { createLogger } from "@switchboard/logger";
import { startNatsServer, waitFor, type NatsServer } from "@switchboard/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectBus } from "./connection.js";
import type { ConsumedMessage, HandlerOutcome } from "./consumed-message.js";
import { ensureConsumer } from "./consumer-provisioner.js";
import { runConsumer, type ConsumerRunner, type RunConsumerOptions } from "./consume-loop.js";
import { publish } from "./publisher.js";
import { provisionStreams } from "./stream-provisioner.js";

const logger = createLogger({ level: "silent" });
const WAIT = { timeoutMs: 30_000 };

describe("runConsumer", () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  const runners: ConsumerRunner[] = [];
  let n = 0;

  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connectBus({ servers: server.url, name: "consume-test", logger });
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

  /** Fresh namespace, streams and consumer per test, so tests never see each other's messages. */
  async function setup(
    handler: (m: ConsumedMessage) => Promise<HandlerOutcome>,
    extra: Partial<RunConsumerOptions> = {},
    ackWaitMs = 30_000,
  ) {
    n += 1;
    const namespace = `cl${n}`;
    const prefix = `CL${n}_`;
    await provisionStreams(nc, { namespace, prefix, replicas: 1, duplicateWindowMs: 60_000 });
    await ensureConsumer(nc, `${prefix}INBOUND`, { durable: "worker", ackWaitMs });
    const runner = runConsumer({
      nc,
      stream: `${prefix}INBOUND`,
      durable: "worker",
      namespace,
      dlqPrefix: prefix,
      handler,
      maxDeliver: 3,
      backoffMs: [100, 200],
      stage: "rules",
      logger,
      pullExpiresMs: 1_000, // stop() lets an open pull run out: keep that short here
      ...extra,
    });
    runners.push(runner);
    const send = (org: string, payload: unknown, msgId: string, headers?: Record<string, string>) =>
      publish(js, `${namespace}.inbound.${org}.scheduling.slotBooked`, payload, {
        msgId,
        ...(headers ? { headers } : {}),
      });
    return { namespace, prefix, runner, send };
  }

  const consumerState = (stream: string) => jsm.consumers.info(stream, "worker");
  const settled = async (stream: string, seq: number) => {
    const info = await consumerState(stream);
    return info.ack_floor.stream_seq >= seq && info.num_ack_pending === 0 && info.num_pending === 0 && info;
  };
  const dlqCount = async (prefix: string) => (await jsm.streams.info(`${prefix}DLQ`)).state.messages;

  it("hands each message to the handler and acks it", async () => {
    const seen: Array<{ subject: string; body: unknown; msgId: string | undefined; deliveryCount: number }> =
      [];
    const { prefix, send, namespace } = await setup(async (m) => {
      seen.push({ subject: m.subject, body: m.json(), msgId: m.msgId, deliveryCount: m.deliveryCount });
      return { kind: "ack" };
    });
    const { seq } = await send("acme", { slot: 1 }, "ack-1");
    await waitFor(() => settled(`${prefix}INBOUND`, seq), { ...WAIT, what: "the message to be acked" });
    expect(seen).toEqual([
      {
        subject: `${namespace}.inbound.acme.scheduling.slotBooked`,
        body: { slot: 1 },
        msgId: "ack-1",
        deliveryCount: 1,
      },
    ]);
    expect(await dlqCount(prefix)).toBe(0);
  });

  it("retries a failing message with backoff and acks it once it succeeds", async () => {
    const deliveries: number[] = [];
    const { prefix, send } = await setup(async (m) => {
      deliveries.push(m.deliveryCount);
      if (m.deliveryCount === 1) throw new Error("database unavailable");
      if (m.deliveryCount === 2) return { kind: "retry", reason: "downstream busy" };
      return { kind: "ack" };
    });
    const { seq } = await send("acme", { slot: 2 }, "retry-1");
    const info = await waitFor(() => settled(`${prefix}INBOUND`, seq), {
      ...WAIT,
      what: "the retried message to be acked",
    });
    expect(deliveries).toEqual([1, 2, 3]);
    expect(info.delivered.consumer_seq).toBe(3);
    expect(await dlqCount(prefix)).toBe(0);
  });

  it("logs what happens to a message with its stream, sequence, subject and delivery", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const destination = new PassThrough();
    destination.setEncoding("utf8");
    destination.on("data", (chunk: string) => {
      for (const line of chunk.split("\n").filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
    });
    const { prefix, send, namespace } = await setup(
      async (m) => (m.deliveryCount === 1 ? { kind: "retry", reason: "downstream busy" } : { kind: "ack" }),
      { logger: createLogger({ level: "info", destination }) },
    );
    const { seq } = await send("acme", { slot: 3 }, "logged-1");
    await waitFor(() => settled(`${prefix}INBOUND`, seq), {
      ...WAIT,
      what: "the retried message to be acked",
    });
    await waitFor(() => lines.find((l) => l.msg === "message will be retried"), { what: "the retry logged" });
    expect(lines.filter((l) => l.msg === "message will be retried")).toEqual([
      expect.objectContaining({
        stream: `${prefix}INBOUND`,
        seq,
        subject: `${namespace}.inbound.acme.scheduling.slotBooked`,
        delivery: 1,
        reason: "downstream busy",
      }),
    ]);
  });

  it("dead-letters once after maxDeliver deliveries, with the original payload and headers", async () => {
    let calls = 0;
    const { prefix, send, namespace } = await setup(async () => {
      calls += 1;
      throw new Error(`rule action failed\nattempt ${calls}`);
    });
    const payload = { slot: 3, patientId: "p-9" };
    const { seq } = await send("acme", payload, "exhaust-1", { "Trace-Id": "trace-3" });
    await waitFor(() => settled(`${prefix}INBOUND`, seq), {
      ...WAIT,
      what: "the exhausted message to be acked",
    });
    expect(calls).toBe(3);
    expect(await dlqCount(prefix)).toBe(1);

    const dead = await jsm.streams.getMessage(`${prefix}DLQ`, { seq: 1 });
    expect(dead?.subject).toBe(`${namespace}.dlq.acme.rules`);
    expect(dead?.json()).toEqual(payload);
    const h = dead!.header;
    expect({
      trace: h.get("Trace-Id"),
      stream: h.get("Switchboard-Origin-Stream"),
      seq: h.get("Switchboard-Origin-Seq"),
      subject: h.get("Switchboard-Origin-Subject"),
      consumer: h.get("Switchboard-Origin-Consumer"),
      originMsgId: h.get("Switchboard-Origin-Msg-Id"),
      stage: h.get("Switchboard-Stage"),
      reason: h.get("Switchboard-Reason"),
      deliveries: h.get("Switchboard-Deliveries"),
      msgId: h.get("Nats-Msg-Id"),
    }).toEqual({
      trace: "trace-3",
      stream: `${prefix}INBOUND`,
      seq: String(seq),
      subject: `${namespace}.inbound.acme.scheduling.slotBooked`,
      consumer: "worker",
      originMsgId: "exhaust-1",
      stage: "rules",
      reason: "rule action failed attempt 3",
      deliveries: "3",
      msgId: `dlq:${prefix}INBOUND:${seq}`,
    });
  });

  it("dead-letters a 'dead' outcome at once, under the handler's stage, with details", async () => {
    let calls = 0;
    const { prefix, send, namespace } = await setup(async () => {
      calls += 1;
      return {
        kind: "dead",
        stage: "invalid",
        reason: "payload does not match the schema",
        details: [{ path: "/slot" }],
      };
    });
    const { seq } = await send("acme", { slot: "x" }, "dead-1");
    await waitFor(() => settled(`${prefix}INBOUND`, seq), { ...WAIT, what: "the dead message to be acked" });
    expect(calls).toBe(1);
    const dead = await jsm.streams.getMessage(`${prefix}DLQ`, { seq: 1 });
    expect(dead?.subject).toBe(`${namespace}.dlq.acme.invalid`);
    expect(dead?.header.get("Switchboard-Stage")).toBe("invalid");
    expect(dead?.header.get("Switchboard-Reason")).toBe("payload does not match the schema");
    expect(JSON.parse(dead!.header.get("Switchboard-Details"))).toEqual([{ path: "/slot" }]);
    expect(dead?.header.get("Switchboard-Deliveries")).toBe("1");
  });

  it("does not ack a message it could not dead-letter", async () => {
    const { prefix, send } = await setup(async () => ({ kind: "dead", stage: "invalid", reason: "bad" }), {
      dlqPrefix: "MISSING_", // no such DLQ stream: the DLQ publish fails
    });
    const { seq } = await send("acme", {}, "nodlq-1");
    const info = await waitFor(
      async () => {
        const i = await consumerState(`${prefix}INBOUND`);
        return i.num_redelivered > 0 && i;
      },
      { ...WAIT, what: "a redelivery" },
    );
    expect(info.ack_floor.stream_seq).toBeLessThan(seq);
  });

  it("stop() waits for a running handler and leaves unstarted messages to the next runner", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: number[] = [];
    const { prefix, send, runner } = await setup(async (m) => {
      started.push(m.seq);
      await gate;
      return { kind: "ack" };
    });
    const first = await send("acme", { i: 1 }, "stop-1");
    const second = await send("acme", { i: 2 }, "stop-2");
    await waitFor(() => started.length === 1, { ...WAIT, what: "the first handler to start" });
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(stopped).toBe(false);
    release();
    await stopping;
    await runner.done;
    expect(started).toEqual([first.seq]);
    await waitFor(async () => (await consumerState(`${prefix}INBOUND`)).ack_floor.stream_seq === first.seq, {
      ...WAIT,
      what: "the first message to be acked",
    });

    // The message it had not started is not lost: the next runner gets it at once.
    const next: number[] = [];
    runners.push(
      runConsumer({
        nc,
        stream: `${prefix}INBOUND`,
        durable: "worker",
        namespace: "unused",
        dlqPrefix: prefix,
        maxDeliver: 3,
        backoffMs: [],
        stage: "rules",
        logger,
        pullExpiresMs: 1_000,
        handler: async (m) => {
          next.push(m.seq);
          return { kind: "ack" };
        },
      }),
    );
    await waitFor(() => settled(`${prefix}INBOUND`, second.seq), {
      ...WAIT,
      what: "the second message to be acked",
    });
    expect(next).toEqual([second.seq]);
  });

  /** Handlers that hold each message 200 ms, with the most messages and payload bytes held at once. */
  function holding() {
    const held = { count: 0, bytes: 0, peakCount: 0, peakBytes: 0 };
    const handler = async (m: ConsumedMessage): Promise<HandlerOutcome> => {
      held.count += 1;
      held.bytes += m.data.length;
      held.peakCount = Math.max(held.peakCount, held.count);
      held.peakBytes = Math.max(held.peakBytes, held.bytes);
      await new Promise((r) => setTimeout(r, 200));
      held.count -= 1;
      held.bytes -= m.data.length;
      return { kind: "ack" };
    };
    return { held, handler };
  }

  it("runs up to `concurrency` handlers at once", async () => {
    const { held, handler } = holding();
    const { prefix, send } = await setup(handler, { concurrency: 3 });
    let last = 0;
    for (let i = 0; i < 9; i++) last = (await send("acme", { i }, `conc-${i}`)).seq;
    await waitFor(() => settled(`${prefix}INBOUND`, last), { ...WAIT, what: "all messages to be acked" });
    expect(held.peakCount).toBeGreaterThan(1);
    expect(held.peakCount).toBeLessThanOrEqual(3);
  });

  it("holds no more message bytes at once than maxBytesInFlight, counting each pull at the largest size", async () => {
    // The test server's max_payload is 1 MiB: a pull may take
    // only as many messages as the bytes left hold at 1 MiB each, though 10 handlers could run:
    // two at first, a third while two of 600 kB are held, no fourth (10 at once without the bound).
    const budget = 2.5 * 1_048_576;
    const { held, handler } = holding();
    const { prefix, send } = await setup(handler, { concurrency: 10, maxBytesInFlight: budget });
    let last = 0;
    for (let i = 0; i < 6; i++) last = (await send("acme", { i, pad: "x".repeat(600_000) }, `big-${i}`)).seq;
    await waitFor(() => settled(`${prefix}INBOUND`, last), { ...WAIT, what: "all messages to be acked" });
    expect(held.peakBytes).toBeLessThanOrEqual(budget);
    expect(held.peakCount).toBeGreaterThan(1);
    expect(held.peakCount).toBeLessThanOrEqual(3);
  });

  it("bounds bytes, not messages: small messages still fill every slot under maxBytesInFlight", async () => {
    const { held, handler } = holding();
    const { prefix, send } = await setup(handler, { concurrency: 6, maxBytesInFlight: 2.5 * 1_048_576 });
    let last = 0;
    for (let i = 0; i < 12; i++) last = (await send("acme", { i }, `small-${i}`)).seq;
    await waitFor(() => settled(`${prefix}INBOUND`, last), { ...WAIT, what: "all messages to be acked" });
    expect(held.peakCount).toBe(6);
  });

  it("takes a message larger than maxBytesInFlight alone", async () => {
    const { held, handler } = holding();
    const { prefix, send } = await setup(handler, { concurrency: 4, maxBytesInFlight: 100_000 });
    let last = 0;
    for (let i = 0; i < 3; i++) last = (await send("acme", { i, pad: "x".repeat(300_000) }, `huge-${i}`)).seq;
    await waitFor(() => settled(`${prefix}INBOUND`, last), { ...WAIT, what: "all messages to be acked" });
    expect(held.peakCount).toBe(1);
    expect(await dlqCount(prefix)).toBe(0);
  });

  it("keeps messages whose handlers run past the ack wait from being sent again", async () => {
    let started = 0;
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const { prefix, send } = await setup(
      async () => {
        started += 1;
        await finished;
        return { kind: "ack" };
      },
      // A free slot keeps a pull open, so a message whose ack wait ran out would be sent again at once.
      { concurrency: 3 },
      2_000,
    );
    const first = await send("acme", { i: 1 }, "long-1");
    await new Promise((r) => setTimeout(r, 700));
    const second = await send("acme", { i: 2 }, "long-2");
    await waitFor(() => started === 2, { ...WAIT, what: "both handlers to start" });
    await new Promise((r) => setTimeout(r, 5_000)); // two and a half ack waits
    const info = await consumerState(`${prefix}INBOUND`);
    expect(info.delivered.consumer_seq).toBe(2); // each message delivered once
    expect(info.num_redelivered).toBe(0);
    finish();
    await waitFor(() => settled(`${prefix}INBOUND`, Math.max(first.seq, second.seq)), {
      ...WAIT,
      what: "both messages to be acked",
    });
    expect(started).toBe(2);
  });

  it("dead-letters under `_unknown` when the subject carries no usable org", async () => {
    const { prefix, namespace } = await setup(async () => ({
      kind: "dead",
      stage: "undeclared",
      reason: "no org",
    }));
    await jsm.streams.update(`${prefix}INBOUND`, {
      subjects: [`${namespace}.inbound.>`, `${namespace}-raw`],
    });
    const ack = await publish(js, `${namespace}-raw`, {}, { msgId: "raw-1" });
    await waitFor(() => settled(`${prefix}INBOUND`, ack.seq), { ...WAIT, what: "the message to be acked" });
    const dead = await jsm.streams.getMessage(`${prefix}DLQ`, { seq: 1 });
    expect(dead?.subject).toBe(`${namespace}.dlq._unknown.undeclared`);
  });
});
