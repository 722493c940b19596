import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { createLogger } from "@switchboard/logger";
import { startNatsServer, waitFor, type NatsServer } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectBus } from "./connection.js";
import { ensureConsumer } from "./consumer-provisioner.js";
import { runConsumer, type ConsumerRunner } from "./consume-loop.js";
import { publish } from "./publisher.js";
import { provisionStreams } from "./stream-provisioner.js";

const logger = createLogger({ level: "silent" });

// Its own server: this suite stops and kills it.
describe("runConsumer across a nats-server restart", () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let runner: ConsumerRunner | undefined;
  const handled: string[] = [];

  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connectBus({ servers: server.url, name: "restart-test", logger });
    await provisionStreams(nc, { namespace: "rs", prefix: "RS_", replicas: 1, duplicateWindowMs: 60_000 });
    await ensureConsumer(nc, "RS_INBOUND", { durable: "worker" });
    runner = runConsumer({
      nc,
      stream: "RS_INBOUND",
      durable: "worker",
      namespace: "rs",
      dlqPrefix: "RS_",
      maxDeliver: 5,
      backoffMs: [200],
      stage: "rules",
      logger,
      handler: async (m) => {
        handled.push(m.json<{ id: string }>().id);
        return { kind: "ack" };
      },
    });
  });
  afterAll(async () => {
    await runner?.stop();
    await nc?.close();
    await server?.close();
  });

  /** Retries until the client has reconnected; the msg id makes a retried publish harmless. */
  const sendWhenBack = (id: string) =>
    waitFor(() => publish(jetstream(nc), "rs.inbound.acme.ping", { id }, { msgId: id, timeoutMs: 2_000 }), {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: `publish of ${id} after the restart`,
    });
  const handledSoon = (id: string) =>
    waitFor(() => handled.includes(id), { timeoutMs: 90_000, intervalMs: 100, what: `${id} to be handled` });
  /** Acks are fire-and-forget; waiting for them keeps a redelivery out of the assertion below. */
  const ackedUpTo = (seq: number) =>
    waitFor(
      async () => {
        const info = await (await jetstreamManager(nc)).consumers.info("RS_INBOUND", "worker");
        return info.ack_floor.stream_seq >= seq;
      },
      { timeoutMs: 30_000, what: `ack of seq ${seq}` },
    );

  it("handles messages published after a graceful restart and after a crash", async () => {
    const before = await sendWhenBack("before");
    await handledSoon("before");
    await ackedUpTo(before.seq);

    await server.stop();
    await server.restart();
    const afterStop = await sendWhenBack("after-stop");
    await handledSoon("after-stop");
    await ackedUpTo(afterStop.seq);
    // A graceful stop keeps the consumer's acks: nothing is handled twice.
    expect(handled).toEqual(["before", "after-stop"]);

    await server.kill();
    await server.restart();
    await sendWhenBack("after-kill");
    await handledSoon("after-kill");
    // A crash may lose the latest acks (the server writes consumer state lazily), so earlier
    // messages may come again: delivery is at least once, and handlers must be idempotent.
    expect(new Set(handled)).toEqual(new Set(["before", "after-stop", "after-kill"]));
  });

  it("stop() returns while the server is down", async () => {
    await runner?.stop();
    const idle = runConsumer({
      nc,
      stream: "RS_INBOUND",
      durable: "worker",
      namespace: "rs",
      dlqPrefix: "RS_",
      maxDeliver: 5,
      backoffMs: [],
      stage: "rules",
      logger,
      handler: async () => ({ kind: "ack" }),
    });
    await new Promise((r) => setTimeout(r, 500)); // let it open a pull request
    await server.kill(); // no goodbye from the server: the open pull just goes quiet
    await idle.stop();
    await server.restart();
  });
});
