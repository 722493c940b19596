/**
 * A relay in a process of its own, for tests that kill it with SIGKILL mid-batch.
 * Reads DATABASE_URL, NATS_URL, OUTBOX_SCHEMA, OUTBOX_LEASE_MS, OUTBOX_BATCH from the environment.
 */
import { connectBus, jetstream, publish } from "@switchboard/bus";
import { openDatabase } from "@switchboard/db";
import { createLogger } from "@switchboard/logger";
import { createOutboxRelay } from "../src/outbox-relay.js";
import type { OutboxTables } from "../src/outbox.table.js";

const env = process.env;
const logger = createLogger({ level: "warn" });
const database = await openDatabase<OutboxTables>({ url: env.DATABASE_URL! });
const nc = await connectBus({ servers: env.NATS_URL!, name: "outbox-relay-child", logger });
const js = jetstream(nc);
const relay = createOutboxRelay({
  db: database.db,
  schema: env.OUTBOX_SCHEMA!,
  logger,
  pollMs: 20,
  batchSize: Number(env.OUTBOX_BATCH ?? 50),
  leaseMs: Number(env.OUTBOX_LEASE_MS ?? 30_000),
  publish: (m) => publish(js, m.subject, m.data, { msgId: m.msgId, headers: m.headers }),
});
relay.start();
process.stdout.write("relay started\n");
