import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { jetstreamManager, streamNames, connectBus, type NatsConnection } from "@switchboard/bus";
import { loadConfig } from "@switchboard/config";
import { migrateSchema, openDatabase, type Database } from "@switchboard/db";
import { createSchemaRegistry } from "@switchboard/events";
import { createLogger } from "@switchboard/logger";
import {
  createTestDatabase,
  startNatsServer,
  waitFor,
  type NatsServer,
  type TestDatabase,
} from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrations, SCHEMA } from "../migrations.js";
import { createSubscription } from "../subscriptions/save-subscription.js";
import { loadSecretsKeyring } from "../subscriptions/index.js";
import { webhookStackEnv } from "../../test/support/webhook-bridge-stack.js";
import {
  eventPublisher,
  formSubmittedInfo,
  type EventPublisher,
} from "../../test/support/delivery/event-publisher.js";
import { WebhookReceiver } from "../../test/support/delivery/webhook-receiver.js";
import type { WebhookBridgeDB } from "../webhook-bridge.tables.js";

const logger = createLogger({ level: "silent" });
const CHILD = fileURLToPath(new URL("../../test/support/delivery/bridge.child.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const EVENTS = 300;

/** A bridge process; resolves once it is running (its loops started), rejects if it exits first. */
async function startBridge(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--conditions=switchboard-source", "--import", "tsx", CHILD], {
    cwd: ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: "warn", DELIVERY_ACK_WAIT_MS: "2000" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`the bridge exited (${child.exitCode}):\n${output}`);
      return /is running/.test(output);
    },
    { timeoutMs: 60_000, what: "the bridge to start" },
  );
  return child;
}

async function kill(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

describe("a bridge killed mid-delivery", () => {
  let nats: NatsServer;
  let testDb: TestDatabase;
  let database: Database<WebhookBridgeDB>;
  let nc: NatsConnection;
  let events: EventPublisher;
  let receiver: WebhookReceiver;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
    testDb = await createTestDatabase("sb_delivery");
    env = webhookStackEnv(nats.url, testDb.url);
    nc = await connectBus({ servers: nats.url, name: "crash-test", logger });
    database = await openDatabase<WebhookBridgeDB>({ url: testDb.url });
    const migrated = await migrateSchema(database.db, SCHEMA, migrations);
    if (!migrated.ok) throw new Error(`migrations failed: ${JSON.stringify(migrated.error)}`);
    receiver = await new WebhookReceiver().start();
  });
  afterAll(async () => {
    for (const child of children) await kill(child);
    await events?.close();
    await receiver?.stop();
    await nc?.close();
    await database?.close();
    await testDb?.drop();
    await nats?.close();
  });

  it("loses nothing: after a restart every event arrives, repeats only for those it had in flight", async () => {
    const config = loadConfig(env);
    const { saved } = await createSubscription(
      {
        db: database.db,
        keyring: loadSecretsKeyring(config.secretsKeyring),
        now: () => new Date(),
        allowlist: config.webhookAllowlist,
        schemas: createSchemaRegistry(),
      },
      "org-a",
      { url: receiver.url("/crash"), eventTypes: ["formSubmitted"] },
    );
    children.push(await startBridge(env));
    const jsm = await jetstreamManager(nc);
    const stream = streamNames(config.streamPrefix).events;
    await waitFor(() => jsm.consumers.info(stream, saved.row.id).then(() => true), { what: "the consumer" });

    // The kill must find deliveries under way. Past the 50th request the endpoint holds its answers,
    // so the bridge stops at a full window of unanswered deliveries however fast it ran (it kept pace
    // with the publishing below, and all had arrived before the kill, in one run in a few).
    const held = () => receiver.successesById("/crash").size >= 50;
    receiver.respond = () => ({ status: 200, delayMs: held() ? 3_000 : 5 });
    events = await eventPublisher({
      natsUrl: nats.url,
      namespace: config.namespace,
      eventsStream: stream,
      logger,
    });
    const published = new Set<string>();
    for (let n = 0; n < EVENTS; n++)
      published.add((await events.publish("org-a", "formSubmitted", formSubmittedInfo(n))).messageId);

    await waitFor(() => receiver.successesById("/crash").size >= 50, {
      timeoutMs: 30_000,
      what: "deliveries under way",
    });
    await kill(children[0]);
    const atKill = receiver.successesById("/crash").size;
    expect(atKill).toBeLessThan(EVENTS);
    receiver.respond = () => ({ status: 200, delayMs: 5 });

    children.push(await startBridge(env));
    await waitFor(() => receiver.successesById("/crash").size >= EVENTS, {
      timeoutMs: 60_000,
      what: `all ${EVENTS} events after the restart`,
    });
    await new Promise((r) => setTimeout(r, 3_000)); // past the ack wait: a late repeat would show
    const successes = receiver.successesById("/crash");
    expect(new Set(successes.keys())).toEqual(published);
    // At least once: a delivery the killed bridge had made but not acked comes again (same webhook-id,
    // which the receiver deduplicates); at most the subscription's in-flight limit of them.
    const repeated = [...successes.values()].filter((n) => n > 1).length;
    expect(repeated).toBeLessThanOrEqual(config.webhookConcurrency);
  });
});
