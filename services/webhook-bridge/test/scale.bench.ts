/**
 * Delivery throughput with 1, 10, 100 and 1,000 subscriptions. For each count: that many
 * subscriptions of one org to a local receiver, a backlog of events published to the org before
 * the bridge starts, then bridge replicas in processes of their own deliver it; the figure is
 * deliveries per second from the first delivery to the last (every delivery signed, sent over HTTP
 * and logged in PostgreSQL). It measures, it asserts nothing.
 *
 *   node --conditions=switchboard-source --import tsx services/webhook-bridge/test/scale.bench.ts
 *
 * BENCH_SUBSCRIPTIONS (1,10,100,1000), BENCH_DELIVERIES per count (20000), BENCH_REPLICAS (1);
 * NATS_URL and DATABASE_URL to use servers of your own (else a nats-server and a database are made).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { connectBus, provisionStreams, streamNames } from "@switchboard/bus";
import { migrateSchema, openDatabase, type Database } from "@switchboard/db";
import { createSchemaRegistry } from "@switchboard/events";
import { createLogger } from "@switchboard/logger";
import { generateKeyringEntry } from "@switchboard/secrets";
import { migrations, SCHEMA } from "../src/migrations.js";
import { loadSecretsKeyring } from "../src/subscriptions/index.js";
import { createSubscription } from "../src/subscriptions/save-subscription.js";
import { deleteSubscription } from "../src/subscriptions/subscription.repository.js";
import { toRecord } from "../src/subscriptions/subscription-record.js";
import {
  ensureSubscriptionConsumer,
  deleteSubscriptionConsumer,
  type ConsumerSettings,
} from "../src/delivery/subscription-consumer.js";
import { benchDatabase, benchNats } from "./support/delivery/bench-infra.js";
import { eventPublisher, planCreatedInfo, type EventPublisher } from "./support/delivery/event-publisher.js";

const COUNTS = (process.env.BENCH_SUBSCRIPTIONS ?? "1,10,100,1000").split(",").map(Number);
const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 20_000);
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 1);
const CONCURRENCY = Number(process.env.SWITCHBOARD_WEBHOOK_CONCURRENCY ?? 4);
const NAMESPACE = "switchboard";
const ACK_WAIT_MS = 30_000;
const CHILD = fileURLToPath(new URL("./support/delivery/bridge.child.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

const logger = createLogger({ level: "warn" });
const nats = await benchNats();
const pg = await benchDatabase();
const keyringEntry = generateKeyringEntry();
const receiver = countingReceiver();
const env = {
  NATS_URL: nats.url,
  DATABASE_URL: pg.url,
  PORT: "0",
  HOST: "127.0.0.1",
  LOG_LEVEL: "warn",
  SWITCHBOARD_SECRETS_KEYRING: keyringEntry,
  SWITCHBOARD_WEBHOOK_ALLOWLIST: "127.0.0.1",
  SWITCHBOARD_WEBHOOK_CONCURRENCY: String(CONCURRENCY),
  DELIVERY_ACK_WAIT_MS: String(ACK_WAIT_MS),
  DELIVERY_PULL_EXPIRES_MS: "5000",
};
const nc = await connectBus({ servers: nats.url, name: "webhook-scale-bench", logger });
let database: Database | undefined;
let events: EventPublisher | undefined;
const rows: string[][] = [];
try {
  await provisionStreams(nc, { namespace: NAMESPACE, prefix: "", replicas: 1, duplicateWindowMs: 120_000 });
  database = await openDatabase({ url: pg.url });
  const migrated = await migrateSchema(database.db, SCHEMA, migrations);
  if (!migrated.ok) throw new Error(`migrations failed: ${JSON.stringify(migrated.error)}`);
  events = await eventPublisher({
    natsUrl: nats.url,
    namespace: NAMESPACE,
    eventsStream: streamNames("").events,
    logger,
  });
  const url = await receiver.listen();
  console.log(
    `webhook delivery throughput, ${REPLICAS} bridge replica(s), ${CONCURRENCY} in flight per subscription\n`,
  );
  for (const count of COUNTS) rows.push(await measure(database, events, url, count));
  printTable(
    ["subscriptions", "events", "deliveries", "deliveries/s", "per subscription/s", "start to first"],
    rows,
  );
} finally {
  await events?.close();
  await receiver.close();
  await nc.drain();
  await database?.close();
  await pg.close();
  await nats.close();
}

async function measure(
  database: Database,
  publisher: EventPublisher,
  url: string,
  count: number,
): Promise<string[]> {
  const org = `bench${count}`;
  const perSub = Math.max(10, Math.ceil(DELIVERIES / count));
  const settings: ConsumerSettings = {
    namespace: NAMESPACE,
    stream: streamNames("").events,
    ackWaitMs: ACK_WAIT_MS,
    concurrency: CONCURRENCY,
  };
  const parts = {
    db: database.db,
    keyring: loadSecretsKeyring(keyringEntry),
    now: () => new Date(),
    allowlist: ["127.0.0.1"],
    schemas: createSchemaRegistry(),
  };
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { saved } = await createSubscription(parts, org, {
      url: `${url}/${org}/${i}`,
      eventTypes: ["planCreated"],
    });
    ids.push(saved.row.id);
    // As the API would on save: the consumer exists before the backlog is published.
    await ensureSubscriptionConsumer(nc, toRecord(saved, new Date()), settings);
  }
  for (let n = 0; n < perSub; n += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, perSub - n) }, (_, k) =>
        publisher.publish(org, "planCreated", planCreatedInfo(n + k)),
      ),
    );
  }
  const expected = perSub * count;
  receiver.reset();
  const started = performance.now();
  const bridges = await Promise.all(Array.from({ length: REPLICAS }, () => startBridge()));
  while (receiver.delivered < expected) await new Promise((r) => setTimeout(r, 20));
  const { first, last } = receiver.window();
  await Promise.all(bridges.map(stopBridge));
  for (const id of ids) {
    await deleteSubscription(database.db, org, id);
    await deleteSubscriptionConsumer(nc, id, settings);
  }
  const seconds = (last - first) / 1000;
  const rate = expected / seconds;
  return [
    String(count),
    String(perSub),
    String(expected),
    rate.toFixed(0),
    (rate / count).toFixed(1),
    `${((first - started) / 1000).toFixed(1)} s`,
  ];
}

/** Counts 2xx answers per subscription path and webhook-id, so repeats are not counted twice. */
function countingReceiver() {
  const seen = new Set<string>();
  let first = 0;
  let last = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const key = `${req.url} ${String(req.headers["webhook-id"])}`;
      if (!seen.has(key)) {
        seen.add(key);
        const now = performance.now();
        if (first === 0) first = now;
        last = now;
      }
      res.writeHead(204).end();
    });
  });
  return {
    get delivered() {
      return seen.size;
    },
    window: () => ({ first, last }),
    reset() {
      seen.clear();
      first = 0;
      last = 0;
    },
    listen: () =>
      new Promise<string>((resolve) =>
        server.listen(0, "127.0.0.1", () =>
          resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
        ),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function startBridge(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--conditions=switchboard-source", "--import", "tsx", CHILD], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (c: Buffer) => {
      output += c.toString();
      if (/is running/.test(output)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`a bridge exited with ${code}`)));
  });
  return child;
}

async function stopBridge(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

function printTable(header: string[], body: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of body) console.log(line(row));
}
