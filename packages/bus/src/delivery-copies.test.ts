import { jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { createInbox, type NatsConnection } from "@nats-io/nats-core";
import { createLogger } from "@switchboard/logger";
import { sendsDeliveredMessagesAgain, startNatsServer, waitFor, type NatsServer } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectBus } from "./connection.js";
import type { ConsumedMessage, HandlerOutcome } from "./consumed-message.js";
import { ensureConsumer } from "./consumer-provisioner.js";
import { runConsumer, type ConsumerRunner } from "./consume-loop.js";
import { provisionStreams } from "./stream-provisioner.js";

const logger = createLogger({ level: "silent" });
const RETRY_DELAY_MS = 1_500;

/** A gate a handler waits at until the test opens it. */
function gate(): { wait: Promise<void>; open(): void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/**
 * A pull request whose subscriber is gone before anything is delivered to it, as a fetch that gave
 * up on missed heartbeats, or a replica that stopped, leaves one behind.
 */
async function abandonPullRequest(nc: NatsConnection, stream: string, durable: string): Promise<void> {
  const inbox = createInbox();
  const sub = nc.subscribe(inbox);
  nc.publish(`$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`, JSON.stringify({ batch: 1 }), {
    reply: inbox,
  });
  await nc.flush();
  sub.unsubscribe();
  await nc.flush();
}

/**
 * nats-server before 2.10.14, when a message due for redelivery finds only a pull request without a
 * subscriber, sends the message it delivered last again as a first delivery (nats-server #5305).
 * Each test makes exactly that happen, then checks the handler ran once per message.
 */
describe("runConsumer and copies of a message the server sends again", () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let n = 0;

  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connectBus({ servers: server.url, name: "copies-test", logger });
    jsm = await jetstreamManager(nc);
  });
  afterAll(async () => {
    await nc?.close();
    await server?.close();
  });

  /** W fails once (retried after RETRY_DELAY_MS); every other message waits at its gate, then succeeds. */
  async function setup(concurrency: number, gates: Record<string, { wait: Promise<void> }>) {
    n += 1;
    const namespace = `cp${n}`;
    const prefix = `CP${n}_`;
    const stream = `${prefix}INBOUND`;
    await provisionStreams(nc, { namespace, prefix, replicas: 1, duplicateWindowMs: 60_000 });
    // A short ack wait, so that W, which the server drops while stepping back, comes again soon.
    await ensureConsumer(nc, stream, { durable: "worker", ackWaitMs: 2_000 });
    const calls: Array<{ body: string; deliveryCount: number }> = [];
    const handler = async (m: ConsumedMessage): Promise<HandlerOutcome> => {
      const body = new TextDecoder().decode(m.data);
      calls.push({ body, deliveryCount: m.deliveryCount });
      if (body === "W") {
        const first = calls.filter((c) => c.body === "W").length === 1;
        return first ? { kind: "retry", reason: "fails once", delayMs: RETRY_DELAY_MS } : { kind: "ack" };
      }
      await gates[body]?.wait;
      return { kind: "ack" };
    };
    const runner: ConsumerRunner = runConsumer({
      nc,
      stream,
      durable: "worker",
      namespace,
      dlqPrefix: prefix,
      handler,
      maxDeliver: 5,
      backoffMs: [100],
      stage: "rules",
      logger,
      concurrency,
      pullExpiresMs: 1_000,
    });
    const js = jetstream(nc);
    const send = async (body: string) => (await js.publish(`${namespace}.inbound.org.ev`, body)).seq;
    const callsOf = (body: string) => calls.filter((c) => c.body === body).length;
    const delivered = async () => (await jsm.consumers.info(stream, "worker")).delivered.consumer_seq;
    const settled = async () => {
      const info = await jsm.consumers.info(stream, "worker");
      return info.num_ack_pending === 0 && info.num_pending === 0 && info.num_redelivered === 0;
    };
    return { stream, runner, send, callsOf, delivered, settled };
  }

  it("a copy of a message still being handled waits for it and is settled alike: the handler runs once", async () => {
    const x = gate();
    const y = gate();
    const t = await setup(2, { X: x, Y: y });
    await t.send("W");
    await t.send("X");
    await t.send("Y");
    // W failed and waits for its retry; X and Y are being handled, so the loop has no pull open.
    await waitFor(() => t.callsOf("W") === 1 && t.callsOf("X") === 1 && t.callsOf("Y") === 1);
    await abandonPullRequest(nc, t.stream, "worker");
    await new Promise((r) => setTimeout(r, RETRY_DELAY_MS + 500)); // W is due and finds only that request
    const before = await t.delivered();
    x.open(); // a slot frees, the loop pulls: an old server sends Y again as new
    if (sendsDeliveredMessagesAgain(nc.info?.version))
      await waitFor(async () => (await t.delivered()) > before, { what: "Y's copy" });
    y.open();
    await waitFor(() => t.callsOf("W") === 2, { timeoutMs: 15_000, what: "W's retry" });
    await waitFor(t.settled, { what: "every message and copy settled" });
    expect(t.callsOf("X")).toBe(1);
    expect(t.callsOf("Y")).toBe(1);
    await t.runner.stop();
  });

  it("a copy of a message already acked is acked without running the handler again", async () => {
    const x = gate();
    const t = await setup(1, { X: x });
    await t.send("W");
    await t.send("X");
    await waitFor(() => t.callsOf("W") === 1 && t.callsOf("X") === 1);
    await abandonPullRequest(nc, t.stream, "worker");
    await new Promise((r) => setTimeout(r, RETRY_DELAY_MS + 500));
    const before = await t.delivered();
    x.open(); // X is acked; the loop pulls again: an old server sends X again as new
    if (sendsDeliveredMessagesAgain(nc.info?.version))
      await waitFor(async () => (await t.delivered()) > before, { what: "X's copy" });
    await waitFor(() => t.callsOf("W") === 2, { timeoutMs: 15_000, what: "W's retry" });
    await waitFor(t.settled, { what: "every message and copy settled" });
    expect(t.callsOf("X")).toBe(1);
    await t.runner.stop();
  });
});
