import { jetstreamManager } from "@nats-io/jetstream";
import { nanos, type NatsConnection } from "@nats-io/nats-core";
import { createLogger } from "@switchboard/logger";
import { startNatsServer, type NatsServer } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectBus } from "./connection.js";
import { ensureConsumer } from "./consumer-provisioner.js";
import { streamNames } from "./stream-names.js";
import { provisionStreams } from "./stream-provisioner.js";

const logger = createLogger({ level: "silent" });

describe("provisionStreams", () => {
  let server: NatsServer;
  let nc: NatsConnection;
  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connectBus({ servers: server.url, name: "provision-test", logger });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.close();
  });

  it("names the streams after the prefix", () => {
    expect(streamNames("T1_")).toEqual({ events: "T1_EVENTS", inbound: "T1_INBOUND", dlq: "T1_DLQ" });
    expect(streamNames("")).toEqual({ events: "EVENTS", inbound: "INBOUND", dlq: "DLQ" });
    expect(() => streamNames("bad.prefix")).toThrow(expect.objectContaining({ code: "SB_ERR_INVALID_NAME" }));
  });

  it("creates EVENTS, INBOUND and DLQ on the namespace's subjects, file storage, limits retention", async () => {
    await provisionStreams(nc, {
      namespace: "prov1",
      prefix: "P1_",
      replicas: 1,
      duplicateWindowMs: 120_000,
    });
    const jsm = await jetstreamManager(nc);
    const subjects: Record<string, string[]> = {};
    for (const name of ["P1_EVENTS", "P1_INBOUND", "P1_DLQ"]) {
      const { config } = await jsm.streams.info(name);
      subjects[name] = config.subjects;
      expect(config).toMatchObject({ storage: "file", retention: "limits", num_replicas: 1 });
      expect(config.duplicate_window).toBe(nanos(120_000));
    }
    expect(subjects).toEqual({
      P1_EVENTS: ["prov1.events.>"],
      P1_INBOUND: ["prov1.inbound.>"],
      P1_DLQ: ["prov1.dlq.>"],
    });
  });

  it("can run again, keeps the stored messages and applies a changed duplicate window", async () => {
    const opts = { namespace: "prov2", prefix: "P2_", replicas: 1, duplicateWindowMs: 60_000 };
    await provisionStreams(nc, opts);
    const jsm = await jetstreamManager(nc);
    await jsm.jetstream().publish("prov2.events.acme.planCreated", "{}", { msgID: "m1" });
    await provisionStreams(nc, opts);
    await provisionStreams(nc, { ...opts, duplicateWindowMs: 300_000 });
    const info = await jsm.streams.info("P2_EVENTS");
    expect(info.config.duplicate_window).toBe(nanos(300_000));
    expect(info.state.messages).toBe(1);
  });

  it("without limits keeps messages for ever, with no byte limit", async () => {
    const jsm = await jetstreamManager(nc);
    const { config } = await jsm.streams.info("P1_EVENTS");
    expect(config).toMatchObject({ max_age: 0, max_bytes: -1 });
  });

  it("applies retention limits, also to streams made before them, and drops messages past their age", async () => {
    const opts = { namespace: "prov4", prefix: "P4_", replicas: 1, duplicateWindowMs: 120_000 };
    await provisionStreams(nc, opts);
    const limits = { eventsMaxAgeMs: 3_600_000, inboundMaxAgeMs: 1_000, dlqMaxAgeMs: 7_200_000, maxBytes: 0 };
    await provisionStreams(nc, { ...opts, limits });
    const jsm = await jetstreamManager(nc);
    const config = async (name: string) => (await jsm.streams.info(name)).config;
    expect(await config("P4_EVENTS")).toMatchObject({
      max_age: nanos(3_600_000),
      max_bytes: -1,
      discard: "new",
      duplicate_window: nanos(120_000),
    });
    expect(await config("P4_DLQ")).toMatchObject({ max_age: nanos(7_200_000) });
    // The duplicate window cannot outlast the messages it remembers.
    expect(await config("P4_INBOUND")).toMatchObject({
      max_age: nanos(1_000),
      duplicate_window: nanos(1_000),
    });

    await jsm.jetstream().publish("prov4.inbound.acme.labResult", "{}");
    expect((await jsm.streams.info("P4_INBOUND")).state.messages).toBe(1);
    await expect
      .poll(async () => (await jsm.streams.info("P4_INBOUND")).state.messages, {
        timeout: 15_000,
        interval: 250,
      })
      .toBe(0);
    expect((await jsm.streams.info("P4_EVENTS")).state.messages).toBe(0);
  });

  it("a stream at its byte limit refuses new messages and keeps the ones it has", async () => {
    const opts = { namespace: "prov5", prefix: "P5_", replicas: 1, duplicateWindowMs: 60_000 };
    await provisionStreams(nc, { ...opts, limits: { maxBytes: 4_096 } });
    const js = (await jetstreamManager(nc)).jetstream();
    const body = "x".repeat(1_000);
    let refused: unknown;
    let stored = 0;
    for (let i = 0; i < 10 && refused === undefined; i++) {
      await js.publish("prov5.events.acme.planCreated", body).then(
        () => stored++,
        (error: unknown) => (refused = error),
      );
    }
    expect(stored).toBeGreaterThan(0);
    expect(String(refused)).toMatch(/maximum bytes exceeded/i);
    const info = await (await jetstreamManager(nc)).streams.info("P5_EVENTS");
    expect(info.state.messages).toBe(stored);
    expect(info.state.first_seq).toBe(1);
  });

  it("replicas starting together each provision the same streams, whichever creates them first", async () => {
    // Two replicas of a fresh deployment: the one that asks while the other's create is under way
    // may be told its subjects overlap with an existing stream, the stream the other just made.
    const other = await connectBus({ servers: server.url, name: "provision-test-2", logger });
    try {
      for (let round = 0; round < 100; round++) {
        const opts = {
          namespace: `race${round}`,
          prefix: `R${round}_`,
          replicas: 1,
          duplicateWindowMs: 60_000,
        };
        const results = await Promise.allSettled([provisionStreams(nc, opts), provisionStreams(other, opts)]);
        expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : "ok"))).toEqual(["ok", "ok"]);
      }
    } finally {
      await other.close();
    }
  });

  it("refuses subjects another stream holds, naming the overlap", async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "SOMEONE_ELSES", subjects: ["taken.events.>"] });
    await expect(
      provisionStreams(nc, { namespace: "taken", prefix: "T_", replicas: 1, duplicateWindowMs: 60_000 }),
    ).rejects.toMatchObject({
      code: "SB_ERR_CONFIG",
      message: "create stream T_EVENTS: subjects overlap with an existing stream",
    });
  });

  it("refuses an unsafe namespace", async () => {
    await expect(
      provisionStreams(nc, { namespace: "a.b", prefix: "P3_", replicas: 1, duplicateWindowMs: 1000 }),
    ).rejects.toMatchObject({ code: "SB_ERR_INVALID_NAME" });
  });
});

describe("ensureConsumer", () => {
  let server: NatsServer;
  let nc: NatsConnection;
  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connectBus({ servers: server.url, name: "consumer-test", logger });
    await provisionStreams(nc, { namespace: "cons", prefix: "C_", replicas: 1, duplicateWindowMs: 60_000 });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.close();
  });

  it("creates a durable explicit-ack pull consumer, then updates it in place", async () => {
    const spec = { durable: "rules", filterSubject: "cons.inbound.>", ackWaitMs: 30_000, maxAckPending: 50 };
    await ensureConsumer(nc, "C_INBOUND", spec);
    await ensureConsumer(nc, "C_INBOUND", spec);
    await ensureConsumer(nc, "C_INBOUND", { ...spec, ackWaitMs: 45_000, maxAckPending: 80 });
    const jsm = await jetstreamManager(nc);
    const { config } = await jsm.consumers.info("C_INBOUND", "rules");
    expect(config).toMatchObject({
      durable_name: "rules",
      ack_policy: "explicit",
      filter_subject: "cons.inbound.>",
      ack_wait: nanos(45_000),
      max_ack_pending: 80,
      max_deliver: -1,
    });
    expect(config.deliver_subject).toBeUndefined();
  });

  it("fails with a code when the stream does not exist", async () => {
    await expect(ensureConsumer(nc, "NO_SUCH_STREAM", { durable: "x" })).rejects.toMatchObject({
      code: "SB_ERR_CONFIG",
    });
  });
});
