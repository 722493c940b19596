import { randomUUID } from "node:crypto";
import {
  connectBus,
  jetstream,
  PipelinedPublisher,
  provisionStreams,
  publish,
  streamNames,
} from "@switchboard/bus";
import { migrateSchema, openDatabase } from "@switchboard/db";
import { buildEvent, eventSubject } from "@switchboard/events";
import { createLogger } from "@switchboard/logger";
import {
  createOutboxRelay,
  enqueueEvent,
  outboxMigration,
  outboxSetAsideMigration,
  type OutboxTables,
} from "@switchboard/outbox";
import { createTestDatabase, startNatsServer } from "@switchboard/testing";
import { ratioOf, type Bench, type BenchResult } from "./types.js";

const logger = createLogger({ level: "silent" });
// Acks in flight at once, the same for the relay (its batch) and the baseline.
const BATCH = Number(process.env.BENCH_BATCH ?? 500);

/**
 * Outbox relay (claim rows → publish with Nats-Msg-Id → await PubAcks → mark published and claim
 * the next batch) against a bare JetStream publish loop of the same events with the same batch of
 * in-flight acks.
 */
export const bench: Bench = async (ctx) => {
  const nats = await startNatsServer();
  const database = await createTestDatabase("sb_bench_outbox");
  try {
    return await benchOutboxRelay({
      natsUrl: nats.url,
      databaseUrl: database.url,
      events: ctx.count(10_000, 500),
    });
  } finally {
    await database.drop();
    await nats.close();
  }
};

async function benchOutboxRelay(opts: {
  natsUrl: string;
  databaseUrl: string;
  events: number;
}): Promise<BenchResult[]> {
  const nc = await connectBus({ servers: opts.natsUrl, name: "bench", logger });
  const db = await openDatabase<OutboxTables>({ url: opts.databaseUrl });
  try {
    await provisionStreams(nc, {
      namespace: "bench",
      prefix: "BENCH_",
      replicas: 1,
      duplicateWindowMs: 120_000,
    });
    const js = jetstream(nc);
    const events = Array.from({ length: opts.events }, (_, i) =>
      buildEvent({
        namespace: "bench",
        orgId: "acme",
        eventType: "planCreated",
        requestedBy: "bench",
        branch: "master",
        info: {
          planId: randomUUID(),
          templateName: "t",
          userId: `u${i}`,
          isTest: false,
          roleAssignments: [],
        },
      }),
    );
    const subject = eventSubject("bench", "acme", "planCreated");

    const bareStart = performance.now();
    for (let i = 0; i < events.length; i += BATCH) {
      await Promise.all(
        events
          .slice(i, i + BATCH)
          .map((e) => publish(js, subject, JSON.stringify(e), { msgId: `bare-${e.messageId}` })),
      );
    }
    const bareRate = events.length / ((performance.now() - bareStart) / 1000);

    const migrated = await migrateSchema(db.db, "bench_outbox", {
      "001_outbox": outboxMigration(),
      "002_outbox_set_aside": outboxSetAsideMigration(),
    });
    if (!migrated.ok) throw new Error(migrated.error.message);
    for (let i = 0; i < events.length; i += 500) {
      await db.db.transaction().execute(async (trx) => {
        for (const event of events.slice(i, i + 500))
          await enqueueEvent(trx, "bench_outbox", { subject, event });
      });
    }
    // The running relay, as the services run it: each batch's mark claims the next, its rows
    // published together on one reply subscription.
    const publisher = new PipelinedPublisher(nc);
    const eventsStream = streamNames("BENCH_").events;
    let published = 0;
    let drained!: () => void;
    const done = new Promise<void>((resolve) => (drained = resolve));
    const relay = createOutboxRelay({
      db: db.db,
      schema: "bench_outbox",
      logger,
      batchSize: BATCH,
      publish: (m) => publisher.publish({ ...m, expectStream: eventsStream }),
      onPublished: (ids) => {
        published += ids.length;
        if (published >= events.length) drained();
      },
    });
    const relayStart = performance.now();
    relay.start();
    await done;
    const relayMs = performance.now() - relayStart;
    await relay.stop();
    await publisher.stop();
    const relayRate = published / (relayMs / 1000);
    return [
      {
        group: "outbox",
        name: "outbox relay (claim, publish, PubAck, mark)",
        unit: "events/s",
        value: relayRate,
        baselineName: "bare JetStream publish",
        baseline: bareRate,
        ratio: ratioOf(relayRate, bareRate),
        better: "higher",
      },
    ];
  } finally {
    await nc.drain();
    await db.close();
  }
}
