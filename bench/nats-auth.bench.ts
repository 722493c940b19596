import {
  connectBus,
  jetstreamManager,
  jetstream,
  provisionStreams,
  publish,
  runConsumer,
  ensureConsumer,
} from "@switchboard/bus";
import { createLogger } from "@switchboard/logger";
import { startNatsServer, type NatsServer } from "@switchboard/testing";
import { ratioOf, type Bench, type BenchResult } from "./types.js";

const logger = createLogger({ level: "silent" });
const IN_FLIGHT = 64;
let round = 0;
/** A booked slot, as a scheduling system sends it. */
const SLOT = {
  bookingId: "bk-77",
  status: "booked",
  patientId: "pat-7",
  slot: { start: "2026-12-03T09:30:00Z", end: "2026-12-03T10:00:00Z", location: "Clinic 2" },
};

/**
 * What authentication costs on NATS: the same JetStream work on a server with decentralized JWT
 * authentication (a service user with its permission lists, as every Switchboard process connects)
 * and on one without, in the same run. Publish with PubAcks (ingress, outbox), and consume → ack
 * (rules engine, webhooks), plus the time a connection takes to be accepted.
 */
export const bench: Bench = async (ctx) => {
  const messages = ctx.count(20_000, 1_000);
  const open = await startNatsServer();
  const authed = await startNatsServer({ auth: true });
  try {
    const credsFile = await authed.auth!.serviceCredsFile({ services: ["ingress", "rules-engine"] });
    // Each twice, alternating, the second of each counted: the first round warms the process up.
    await measure(open, messages, undefined);
    await measure(authed, messages, { credsFile });
    const withoutAuth = await measure(open, messages, undefined);
    const withAuth = await measure(authed, messages, { credsFile });
    const result = (
      name: string,
      unit: string,
      value: number,
      baseline: number,
      better: "higher" | "lower",
    ) => ({
      group: "NATS authentication (JWT, service user)",
      name,
      unit,
      value,
      baselineName: "the same on a server without authentication",
      baseline,
      ratio: ratioOf(value, baseline),
      better,
    });
    ctx.log(`${messages} messages each way, ${IN_FLIGHT} in flight`);
    return [
      result("JetStream publish → PubAck", "msgs/s", withAuth.publishRate, withoutAuth.publishRate, "higher"),
      result("consume → ack", "msgs/s", withAuth.consumeRate, withoutAuth.consumeRate, "higher"),
      result("connect (median of 20)", "ms", withAuth.connectMs, withoutAuth.connectMs, "lower"),
    ] satisfies BenchResult[];
  } finally {
    await authed.close();
    await open.close();
  }
};

async function measure(
  server: NatsServer,
  messages: number,
  credentials: { credsFile: string } | undefined,
): Promise<{ publishRate: number; consumeRate: number; connectMs: number }> {
  const connect = () =>
    connectBus({ servers: server.url, name: "bench-auth", logger, ...(credentials ? { credentials } : {}) });
  const connectTimes: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    const nc = await connect();
    connectTimes.push(performance.now() - started);
    await nc.close();
  }
  connectTimes.sort((a, b) => a - b);
  const nc = await connect();
  try {
    const prefix = `AUTH${++round}_`;
    await provisionStreams(nc, {
      namespace: "switchboard",
      prefix,
      replicas: 1,
      duplicateWindowMs: 120_000,
    });
    const js = jetstream(nc);
    const payload = new TextEncoder().encode(JSON.stringify(SLOT));
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < messages) {
        const n = next++;
        await publish(js, `switchboard.inbound.acme.bench.${n % 8}`, payload, { msgId: `${prefix}${n}` });
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const publishRate = messages / ((performance.now() - started) / 1000);

    await ensureConsumer(nc, `${prefix}INBOUND`, {
      durable: "bench",
      ackWaitMs: 30_000,
      maxAckPending: 10_000,
    });
    let acked = 0;
    let finished: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const consumeStarted = performance.now();
    const runner = runConsumer({
      nc,
      stream: `${prefix}INBOUND`,
      durable: "bench",
      namespace: "switchboard",
      dlqPrefix: prefix,
      maxDeliver: 5,
      backoffMs: [100],
      stage: "bench",
      logger,
      concurrency: IN_FLIGHT,
      pullExpiresMs: 1_000,
      handler: async () => {
        if (++acked === messages) finished();
        return { kind: "ack" };
      },
    });
    await done;
    const consumeRate = messages / ((performance.now() - consumeStarted) / 1000);
    await runner.stop();
    // The next round on this server provisions streams on the same subjects.
    const jsm = await jetstreamManager(nc);
    for (const name of ["EVENTS", "INBOUND", "DLQ"]) await jsm.streams.delete(`${prefix}${name}`);
    return { publishRate, consumeRate, connectMs: connectTimes[10]! };
  } finally {
    await nc.close();
  }
}
