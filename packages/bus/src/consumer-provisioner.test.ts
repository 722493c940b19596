import { jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteConsumer, ensureConsumer } from "./consumer-provisioner.js";
import { openTestBus, type TestBus } from "../test/support/test-bus.js";

const STREAM = "CP_EVENTS";
const decoder = new TextDecoder();

describe("ensureConsumer: start position and filter changes", () => {
  let bus: TestBus;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  let n = 0;

  beforeAll(async () => {
    bus = await openTestBus("consumer-provisioner-test", {
      namespace: "cp",
      prefix: "CP_",
      duplicateWindowMs: 60_000,
    });
    ({ nc, js } = bus);
    jsm = await jetstreamManager(nc);
  });
  afterAll(() => bus?.close());

  /** A fresh org per test, so each test's subjects hold only its own messages. */
  const org = () => `org${++n}`;
  const send = (subject: string, body: string) => js.publish(subject, body);

  /** Pulls what the consumer hands out now; `ack` says which bodies to acknowledge. */
  async function pull(durable: string, ack: (body: string) => boolean = () => true): Promise<string[]> {
    const consumer = await js.consumers.get(STREAM, durable);
    const bodies: string[] = [];
    for await (const m of await consumer.fetch({ max_messages: 50, expires: 1_000 })) {
      const body = decoder.decode(m.data);
      bodies.push(body);
      if (ack(body)) m.ack();
      else m.nak(60_000); // keep it pending, as a retry waiting for its turn
    }
    return bodies;
  }

  it('"new" starts after the stream\'s last message, and keeps that start on record', async () => {
    const o = org();
    await send(`cp.events.${o}.a`, "history");
    await ensureConsumer(nc, STREAM, {
      durable: `new-${o}`,
      filterSubject: `cp.events.${o}.a`,
      deliver: "new",
    });
    await send(`cp.events.${o}.a`, "fresh");
    expect(await pull(`new-${o}`)).toEqual(["fresh"]);
    const { config } = await jsm.consumers.info(STREAM, `new-${o}`);
    expect(config.opt_start_seq).toBeGreaterThan(0);
  });

  it("a new filter keeps the position: unacked messages come again, acked ones and history do not", async () => {
    const o = org();
    const durable = `filter-${o}`;
    await send(`cp.events.${o}.a`, "history");
    await ensureConsumer(nc, STREAM, {
      durable,
      filterSubject: `cp.events.${o}.a`,
      deliver: "new",
      maxAckPending: 10,
    });
    await send(`cp.events.${o}.a`, "a1");
    await send(`cp.events.${o}.a`, "a2");
    await send(`cp.events.${o}.b`, "b1");
    expect(await pull(durable, (body) => body === "a1")).toEqual(["a1", "a2"]);

    await ensureConsumer(nc, STREAM, {
      durable,
      filterSubject: `cp.events.${o}.*`,
      deliver: "new",
      maxAckPending: 10,
    });
    await send(`cp.events.${o}.b`, "b2");
    expect(await pull(durable)).toEqual(["a2", "b1", "b2"]);
    expect((await jsm.consumers.info(STREAM, durable)).config.filter_subject).toBe(`cp.events.${o}.*`);
  });

  it("a new filter before anything was acked resumes at the recorded start, not at the stream's history", async () => {
    const o = org();
    const durable = `early-${o}`;
    await send(`cp.events.${o}.a`, "history");
    await ensureConsumer(nc, STREAM, { durable, filterSubject: `cp.events.${o}.a`, deliver: "new" });
    await send(`cp.events.${o}.a`, "a1");
    expect(await pull(durable, () => false)).toEqual(["a1"]);
    await ensureConsumer(nc, STREAM, { durable, filterSubject: `cp.events.${o}.>`, deliver: "new" });
    expect(await pull(durable)).toEqual(["a1"]);
  });

  it("a new filter on a consumer that has delivered nothing starts where it would have", async () => {
    const o = org();
    const durable = `idle-${o}`;
    await send(`cp.events.${o}.b`, "history");
    await ensureConsumer(nc, STREAM, { durable, filterSubject: `cp.events.${o}.a`, deliver: "new" });
    await send(`cp.events.${o}.b`, "b1");
    await ensureConsumer(nc, STREAM, { durable, filterSubject: `cp.events.${o}.*`, deliver: "new" });
    expect(await pull(durable)).toEqual(["b1"]);
  });

  it("deletes a consumer, and says when there was none", async () => {
    await ensureConsumer(nc, STREAM, { durable: "doomed" });
    expect(await deleteConsumer(nc, STREAM, "doomed")).toBe(true);
    expect(await deleteConsumer(nc, STREAM, "doomed")).toBe(false);
  });
});
