import { randomUUID } from "node:crypto";
import { connectBus, jetstream, provisionStreams, publish } from "@switchboard/bus";
import { migrateSchema, openDatabase } from "@switchboard/db";
import { buildEvent, eventSubject } from "@switchboard/events";
import { createLogger } from "@switchboard/logger";
import { createOutboxRelay, enqueueEvent, outboxMigration } from "@switchboard/outbox";
import type { BenchResult } from "./run.js";

const logger = createLogger({ level: "silent" });
// Acks in flight at once, the same for the relay (its batch) and the baseline.
const BATCH = Number(process.env.BENCH_BATCH ?? 500);

/**
 * Outbox relay (claim rows → publish with Nats-Msg-Id → await PubAcks → mark published) against a
 * bare JetStream publish loop of the same events with the same batch of in-flight acks.
 */
export async function benchOutboxRelay(opts: {
  natsUrl: string;
  databaseUrl: string;
  events: number;
}): Promise<BenchResult[]> {
  const nc = await connectBus({ servers: opts.natsUrl, name: "bench", logger });
  const database = await openDatabase({ url: opts.databaseUrl });
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

    const migrated = await migrateSchema(database.db, "bench_outbox", { "001_outbox": outboxMigration() });
    if (!migrated.ok) throw new Error(migrated.error.message);
    for (let i = 0; i < events.length; i += 500) {
      await database.db.transaction().execute(async (trx) => {
        for (const event of events.slice(i, i + 500))
          await enqueueEvent(trx, "bench_outbox", { subject, event });
      });
    }
    const relay = createOutboxRelay({
      db: database.db,
      schema: "bench_outbox",
      logger,
      batchSize: BATCH,
      publish: (m) => publish(js, m.subject, m.data, { msgId: m.msgId, headers: m.headers }),
    });
    const relayStart = performance.now();
    let published = 0;
    while (published < events.length) {
      const n = await relay.drainOnce();
      if (n === 0) break;
      published += n;
    }
    const relayRate = published / ((performance.now() - relayStart) / 1000);
    return [
      {
        name: "outbox relay (claim, publish, PubAck, mark)",
        unit: "events/s",
        value: relayRate,
        baselineName: "bare JetStream publish",
        baseline: bareRate,
        ratio: relayRate / bareRate,
      },
    ];
  } finally {
    await nc.drain();
    await database.close();
  }
}
