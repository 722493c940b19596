import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { ErrorCodes } from "@switchboard/errors";
import { createLogger } from "@switchboard/logger";
import { startNatsServer, type NatsServer } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectBus } from "./connection.js";
import { PipelinedPublisher, type PipelinedMessage } from "./pipelined-publisher.js";
import { provisionStreams } from "./stream-provisioner.js";
import { openTestBus, type TestBus } from "../test/support/test-bus.js";

const logger = createLogger({ level: "silent" });
const enc = new TextEncoder();
const NS = "switchboard";
const STREAM = "PP_INBOUND";

const message = (n: number, overrides: Partial<PipelinedMessage> = {}): PipelinedMessage => ({
  subject: `${NS}.inbound.acme.slotBooked`,
  data: enc.encode(JSON.stringify({ n })),
  msgId: `acme/slotBooked/m-${n}`,
  headers: { "Switchboard-Message-Id": `m-${n}` },
  expectStream: STREAM,
  ...overrides,
});

/** Publishes of concurrent callers sent together, against a real nats-server (2.9 here). */
describe("pipelined JetStream publishes", () => {
  let bus: TestBus;
  let nc: NatsConnection;
  let publisher: PipelinedPublisher;

  beforeAll(async () => {
    bus = await openTestBus("pipeline-test", { namespace: NS, prefix: "PP_", duplicateWindowMs: 120_000 });
    nc = bus.nc;
    publisher = new PipelinedPublisher(nc);
  });
  afterAll(async () => {
    await publisher?.stop();
    await bus?.close();
  });

  it("each of many concurrent publishes resolves with its own PubAck, after the message is stored", async () => {
    const acks = await Promise.all(Array.from({ length: 200 }, (_, n) => publisher.publish(message(n))));
    expect(new Set(acks.map((a) => a.seq)).size).toBe(200);
    expect(acks.every((a) => a.stream === STREAM && !a.duplicate)).toBe(true);
    const jsm = await jetstreamManager(nc);
    for (const n of [0, 77, 199]) {
      const stored = await jsm.streams.getMessage(STREAM, { seq: acks[n]!.seq });
      expect(stored?.json()).toEqual({ n });
      expect(stored?.header.get("Nats-Msg-Id")).toBe(`acme/slotBooked/m-${n}`);
      expect(stored?.header.get("Switchboard-Message-Id")).toBe(`m-${n}`);
    }
  });

  it("a repeated Nats-Msg-Id is a duplicate holding the first one's sequence, also within one batch", async () => {
    const first = await publisher.publish(message(1_000));
    const [again, once] = await Promise.all([
      publisher.publish(message(1_000)),
      publisher.publish(message(1_000, { data: enc.encode('{"n":"other"}') })),
    ]);
    expect(again).toEqual({ stream: STREAM, seq: first.seq, duplicate: true });
    expect(once).toEqual({ stream: STREAM, seq: first.seq, duplicate: true });
  });

  it("a message the broker refuses fails on its own; the ones sent with it are stored", async () => {
    const results = await Promise.allSettled([
      publisher.publish(message(2_000)),
      publisher.publish(message(2_001, { expectStream: "PP_EVENTS" })),
      publisher.publish(message(2_002)),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const refused = (results[1] as PromiseRejectedResult).reason as { code: string; details: unknown };
    expect(refused.code).toBe(ErrorCodes.Config);
    expect(refused.details).toMatchObject({ status: 400, apiCode: 10060 });
  });

  it("no stream for the subject: unavailable at once (no responders), not a timeout", async () => {
    const patient = new PipelinedPublisher(nc, { timeoutMs: 60_000 });
    try {
      await expect(patient.publish(message(3_000, { subject: "nowhere.acme" }))).rejects.toMatchObject({
        code: ErrorCodes.Unavailable,
        message: expect.stringContaining("no JetStream responder"),
      });
    } finally {
      await patient.stop();
    }
  });

  it("no PubAck within the timeout: unavailable, and a late answer changes nothing", async () => {
    // A plain subscriber takes the subject and never answers, as a JetStream that went away would.
    const silent = nc.subscribe("silent.acme", { callback: () => undefined });
    await nc.flush();
    const quick = new PipelinedPublisher(nc, { timeoutMs: 1_000 });
    try {
      await expect(quick.publish(message(4_000, { subject: "silent.acme" }))).rejects.toMatchObject({
        code: ErrorCodes.Unavailable,
        message: expect.stringContaining("no PubAck within 1000 ms"),
      });
      // The publisher keeps working after a timeout.
      expect((await quick.publish(message(4_001))).duplicate).toBe(false);
    } finally {
      silent.unsubscribe();
      await quick.stop();
    }
  });

  it("a header NATS cannot carry is refused as invalid before anything is sent", async () => {
    await expect(publisher.publish(message(5_000, { headers: { "bad header": "x" } }))).rejects.toMatchObject(
      { code: ErrorCodes.Validation },
    );
  });

  it("a closed connection fails the publish as unavailable, and nothing is thrown elsewhere", async () => {
    const closing = await connectBus({ servers: bus.server.url, name: "pipeline-closed", logger });
    const own = new PipelinedPublisher(closing);
    await closing.close();
    await expect(own.publish(message(7_000))).rejects.toMatchObject({ code: ErrorCodes.Unavailable });
    await own.stop();
  });

  it("stop waits for the PubAcks under way, then refuses new publishes", async () => {
    const own = new PipelinedPublisher(nc);
    const underWay = Array.from({ length: 50 }, (_, n) => own.publish(message(6_000 + n)));
    const stopped = own.stop();
    const acks = await Promise.all(underWay);
    await stopped;
    expect(acks.every((a) => !a.duplicate)).toBe(true);
    await expect(own.publish(message(6_100))).rejects.toMatchObject({ code: ErrorCodes.Unavailable });
  });
});

describe("pipelined publishes as a service user of an authenticated server", () => {
  let server: NatsServer;
  let nc: NatsConnection;

  beforeAll(async () => {
    server = await startNatsServer({ auth: true });
    const admin = await connectBus({
      servers: server.url,
      name: "pipeline-admin",
      logger,
      credentials: { creds: server.auth!.adminCreds },
    });
    await provisionStreams(admin, { namespace: NS, prefix: "PP_", replicas: 1, duplicateWindowMs: 120_000 });
    await admin.close();
    // Ingress's user may subscribe to its own inbox only (`_INBOX.ingress`): the PubAcks must come there.
    const credsFile = await server.auth!.serviceCredsFile({ services: ["ingress"] });
    nc = await connectBus({
      servers: server.url,
      name: "pipeline-ingress",
      logger,
      credentials: { credsFile },
    });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.close();
  });

  it("the PubAcks come back on the connection's own inbox", async () => {
    const publisher = new PipelinedPublisher(nc, { timeoutMs: 2_000 });
    try {
      const acks = await Promise.all([1, 2, 3].map((n) => publisher.publish(message(n))));
      expect(acks.map((a) => a.duplicate)).toEqual([false, false, false]);
      expect(nc.isClosed()).toBe(false);
    } finally {
      await publisher.stop();
    }
  });
});
