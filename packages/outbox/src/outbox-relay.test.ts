import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import {
  connectBus,
  jetstream,
  jetstreamManager,
  provisionStreams,
  publish,
  streamNames,
  type NatsConnection,
} from "@switchboard/bus";
import { migrateSchema, openDatabase, type Database } from "@switchboard/db";
import { buildEvent, eventSubject } from "@switchboard/events";
import { createLogger } from "@switchboard/logger";
import {
  createTestDatabase,
  startNatsServer,
  waitFor,
  type NatsServer,
  type TestDatabase,
} from "@switchboard/testing";
import { enqueueEvent, enqueuingClaimedEvents, type OutboxClaim } from "./enqueue.js";
import { createOutboxRelay, type OutboxPublisher, type OutboxRelayOptions } from "./outbox-relay.js";
import {
  deleteOutboxRowsBefore,
  type OutboxRow,
  type OutboxTables,
  outboxMigration,
  outboxRetentionMigration,
  outboxSetAsideMigration,
} from "./outbox.table.js";

const logger = createLogger({ level: "silent" });
const NS = "switchboard";

describe("outbox relay", () => {
  let nats: NatsServer;
  let testDb: TestDatabase;
  let database: Database<OutboxTables>;
  let nc: NatsConnection;
  let schemaCount = 0;

  beforeAll(async () => {
    nats = await startNatsServer();
    testDb = await createTestDatabase();
    database = await openDatabase<OutboxTables>({ url: testDb.url, poolSize: 8 });
    nc = await connectBus({ servers: nats.url, name: "outbox-test", logger });
  });

  afterAll(async () => {
    await nc?.close();
    await database?.close();
    await testDb?.drop();
    await nats?.close();
  });

  let schema: string;
  let prefix: string;
  beforeEach(async () => {
    schemaCount++;
    schema = `relay_${schemaCount}`;
    prefix = `T${schemaCount}_`;
    const migrated = await migrateSchema(database.db, schema, {
      "001_outbox": outboxMigration(),
      "002_outbox_set_aside": outboxSetAsideMigration(),
      "003_outbox_retention": outboxRetentionMigration(),
    });
    expect(migrated.ok).toBe(true);
  });

  /** A fresh namespace per test: its own EVENTS stream, so counts are this test's alone. */
  async function provision(): Promise<{ ns: string; stream: string }> {
    const ns = `${NS}${schemaCount}`;
    await provisionStreams(nc, { namespace: ns, prefix, replicas: 1, duplicateWindowMs: 120_000 });
    return { ns, stream: streamNames(prefix).events };
  }

  const planCreated = (ns: string, n: number) => ({
    subject: eventSubject(ns, "acme", "planCreated"),
    event: buildEvent({
      namespace: ns,
      orgId: "acme",
      eventType: "planCreated",
      requestedBy: "tester",
      branch: "master",
      info: { n } as never,
    }),
  });

  async function enqueue(ns: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let start = 0; start < count; start += 500) {
      await database.db.transaction().execute(async (trx) => {
        for (let i = start; i < Math.min(count, start + 500); i++) {
          const message = planCreated(ns, i);
          ids.push(message.event.messageId);
          await enqueueEvent(trx, schema, message);
        }
      });
    }
    return ids;
  }

  /** Enqueues `count` events claimed for a handoff, in one transaction; answers the rows written. */
  async function enqueueClaimed(ns: string, count: number, claim: OutboxClaim): Promise<OutboxRow[]> {
    const messages = Array.from({ length: count }, (_, i) => planCreated(ns, i));
    return database.db
      .transaction()
      .execute(async (trx) => (await enqueuingClaimedEvents(schema, messages, claim)!.execute(trx)).rows);
  }

  async function streamMessages(stream: string): Promise<number> {
    const jsm = await jetstreamManager(nc);
    return (await jsm.streams.info(stream)).state.messages;
  }

  async function unpublished(): Promise<number> {
    const row = await sql<{
      n: string;
    }>`select count(*) as n from ${sql.table(`${schema}.outbox`)} where published_at is null`.execute(
      database.db,
    );
    return Number(row.rows[0]!.n);
  }

  function countingPublisher(counts: Map<string, number>): OutboxPublisher {
    const js = jetstream(nc);
    return async (m) => {
      counts.set(m.msgId, (counts.get(m.msgId) ?? 0) + 1);
      return publish(js, m.subject, m.data, { msgId: m.msgId, headers: m.headers });
    };
  }

  it("deletes rows published or set aside before the cutoff, never a row still to publish", async () => {
    const { ns } = await provision();
    const ids = await enqueue(ns, 5);
    const relay = createOutboxRelay({
      db: database.db,
      schema,
      logger,
      publish: countingPublisher(new Map()),
    });
    expect(await relay.drainOnce()).toBe(5);
    const pending = await enqueue(ns, 1); // waiting, and as old as the others
    const rows = database.db.withSchema(schema).updateTable("outbox");
    await rows.set({ created_at: sql`now() - interval '3 days'` }).execute();
    await rows
      .set({ published_at: sql`now() - interval '2 days'` })
      .where("message_id", "in", ids.slice(0, 3))
      .execute();
    await rows
      .set({ published_at: null, set_aside_at: sql`now() - interval '2 days'` })
      .where("message_id", "=", ids[3]!)
      .execute();
    expect(await deleteOutboxRowsBefore(database.db, schema, new Date(Date.now() - 86_400_000))).toBe(4);
    const left = await database.db
      .withSchema(schema)
      .selectFrom("outbox")
      .select("message_id")
      .orderBy("id")
      .execute();
    expect(left.map((r) => r.message_id)).toEqual([ids[4], pending[0]]);
  });

  it("publishes each row with Nats-Msg-Id = messageId and the exact JSON, then marks it", async () => {
    const { ns, stream } = await provision();
    const [id] = await enqueue(ns, 1);
    const relay = createOutboxRelay({
      db: database.db,
      schema,
      logger,
      publish: countingPublisher(new Map()),
    });
    expect(await relay.drainOnce()).toBe(1);
    expect(await unpublished()).toBe(0);
    const jsm = await jetstreamManager(nc);
    const stored = await jsm.streams.getMessage(stream, { seq: 1 });
    expect(stored?.header?.get("Nats-Msg-Id")).toBe(id);
    const row = await database.db
      .withSchema(schema)
      .selectFrom("outbox")
      .select("payload")
      .executeTakeFirstOrThrow();
    expect(new TextDecoder().decode(stored?.data)).toBe(row.payload);
  });

  it("sets aside, after its attempts, a row the bus cannot carry; the rows around it are published", async () => {
    const { ns, stream } = await provision();
    const ids = await enqueue(ns, 3);
    // The middle row was written some other way, too large for the bus (emitEvent would refuse it).
    await sql`update ${sql.table(`${schema}.outbox`)} set payload = ${JSON.stringify({ big: "x".repeat(5_000) })}
      where message_id = ${ids[1]!}`.execute(database.db);
    const setAside: { messageId: string; reason: string }[] = [];
    const relay = createOutboxRelay({
      db: database.db,
      schema,
      logger,
      publish: countingPublisher(new Map()),
      maxMessageBytes: () => 4_096,
      setAside: async (row, reason) => void setAside.push({ messageId: row.message_id, reason }),
      setAsideAfter: 2,
    });
    await expect(relay.drainOnce()).rejects.toThrow(/more than the bus carries/); // attempt 1: held back
    expect(await streamMessages(stream)).toBe(2);
    expect(setAside).toEqual([]);
    await sql`update ${sql.table(`${schema}.outbox`)} set claimed_until = null`.execute(database.db);
    expect(await relay.drainOnce()).toBe(0); // attempt 2: set aside
    expect(setAside).toEqual([
      {
        messageId: ids[1],
        reason: expect.stringMatching(/5\d{3} bytes, more than the bus carries \(4096 bytes\)/),
      },
    ]);
    await enqueue(ns, 1);
    expect(await relay.drainOnce()).toBe(1); // it holds nothing back any more
    expect(await streamMessages(stream)).toBe(3);
    const row = await database.db
      .withSchema(schema)
      .selectFrom("outbox")
      .select(["set_aside_at", "published_at", "last_error"])
      .where("message_id", "=", ids[1]!)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      set_aside_at: expect.any(Date),
      published_at: null,
      last_error: expect.any(String),
    });
  });

  it("keeps rows while NATS is down and publishes them once it is back", async () => {
    const { ns, stream } = await provision();
    const relay = createOutboxRelay({
      db: database.db,
      schema,
      logger,
      pollMs: 20,
      maxBackoffMs: 300,
      publish: countingPublisher(new Map()),
    });
    relay.start();
    try {
      await nats.stop();
      await enqueue(ns, 20);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(await unpublished()).toBe(20);
      await nats.restart();
      await waitFor(async () => (await unpublished()) === 0, {
        timeoutMs: 30_000,
        what: "outbox drained after restart",
      });
      expect(await streamMessages(stream)).toBe(20);
    } finally {
      await relay.stop();
    }
  });

  it("two relays on one database publish every event exactly once between them", async () => {
    const { ns, stream } = await provision();
    const ids = await enqueue(ns, 2_000);
    const counts = new Map<string, number>();
    const relays = [0, 1].map(() =>
      createOutboxRelay({
        db: database.db,
        schema,
        logger,
        pollMs: 10,
        batchSize: 25,
        publish: countingPublisher(counts),
      }),
    );
    relays.forEach((r) => r.start());
    try {
      await waitFor(async () => (await unpublished()) === 0, {
        timeoutMs: 60_000,
        what: "outbox drained by two relays",
      });
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
    }
    expect(counts.size).toBe(ids.length);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const owners = await database.db
      .withSchema(schema)
      .selectFrom("outbox")
      .select("claimed_by")
      .distinct()
      .execute();
    expect(owners.map((o) => o.claimed_by).sort()).toEqual(relays.map((r) => r.id).sort());
    expect(await streamMessages(stream)).toBe(ids.length);
  });

  it("a relay killed with SIGKILL mid-batch loses and duplicates nothing", async () => {
    const { ns, stream } = await provision();
    const ids = await enqueue(ns, 3_000);
    const child = spawn(
      process.execPath,
      [
        "--conditions=switchboard-source",
        "--import",
        "tsx",
        fileURLToPath(new URL("../test/outbox-relay.child.ts", import.meta.url)),
      ],
      {
        env: {
          ...process.env,
          DATABASE_URL: testDb.url,
          NATS_URL: nats.url,
          OUTBOX_SCHEMA: schema,
          OUTBOX_LEASE_MS: "1500",
          OUTBOX_BATCH: "100",
        },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
      await waitFor(async () => (await unpublished()) < ids.length - 300, {
        timeoutMs: 60_000,
        what: "the child relay to publish",
      });
    } finally {
      child.kill("SIGKILL");
    }
    await exited;
    const left = await unpublished();
    expect(left).toBeGreaterThan(0);

    // A survivor takes over the dead relay's claims once their lease runs out.
    const relay = createOutboxRelay({
      db: database.db,
      schema,
      logger,
      pollMs: 20,
      leaseMs: 1_500,
      publish: countingPublisher(new Map()),
    });
    relay.start();
    try {
      await waitFor(async () => (await unpublished()) === 0, {
        timeoutMs: 60_000,
        what: "the survivor to drain the outbox",
      });
    } finally {
      await relay.stop();
    }
    expect(await streamMessages(stream)).toBe(ids.length);
    const jsm = await jetstreamManager(nc);
    const seen = new Set<string>();
    const js = jetstream(nc);
    const consumer = await js.consumers.get(stream);
    const messages = await consumer.fetch({ max_messages: ids.length, expires: 10_000 });
    for await (const m of messages) {
      seen.add(m.headers!.get("Nats-Msg-Id"));
      if (seen.size === ids.length) break;
    }
    expect(seen).toEqual(new Set(ids));
    expect((await jsm.streams.info(stream)).state.messages).toBe(ids.length);
  });

  /** A relay of batches of 10 whose every publish first awaits `before` (to write rows, or to hold the batch). */
  function relayOfTen(
    before: (message: { msgId: string }) => Promise<void>,
    options: Partial<OutboxRelayOptions<OutboxTables>> = {},
  ) {
    const publishing = countingPublisher(new Map());
    return createOutboxRelay({
      db: database.db,
      schema,
      logger,
      batchSize: 10,
      ...options,
      publish: async (m) => {
        await before(m);
        return publishing(m);
      },
    });
  }

  it("a running relay's mark claims the rows written meanwhile: they go out at once, each once, in order", async () => {
    const { ns, stream } = await provision();
    const first = await enqueue(ns, 5);
    const later: string[] = [];
    const batches: string[][] = [];
    const relay = relayOfTen(
      async (m) => {
        // Rows committed while the first batch is being published.
        if (later.length === 0 && m.msgId === first[0]) later.push(...(await enqueue(ns, 5)));
      },
      {
        pollMs: 60_000, // and no kick: only a claim made with the mark can find the later rows
        onPublished: (published) => batches.push(published),
      },
    );
    relay.start();
    try {
      await waitFor(async () => (await unpublished()) === 0, { timeoutMs: 10_000, what: "outbox drained" });
    } finally {
      await relay.stop();
    }
    expect(batches).toEqual([first, later]);
    const rows = await database.db
      .withSchema(schema)
      .selectFrom("outbox")
      .select(["attempts", "claimed_by", "claimed_until"])
      .execute();
    expect(rows.every((r) => r.attempts === 1 && r.claimed_by === relay.id && r.claimed_until === null)).toBe(
      true,
    );
    expect(await streamMessages(stream)).toBe(10);
  });

  it("a stored event whose PubAck was lost mid-batch stays unmarked; its republish is dropped by the broker", async () => {
    const { ns, stream } = await provision();
    const ids = await enqueue(ns, 5);
    const js = jetstream(nc);
    let lost = 0;
    const relay = createOutboxRelay({
      db: database.db,
      schema,
      logger,
      publish: async (m) => {
        const receipt = await publish(js, m.subject, m.data, { msgId: m.msgId, headers: m.headers });
        // Stored, but the relay never hears so: as when the connection drops before the PubAck.
        if (m.msgId === ids[2] && lost++ === 0) throw new Error("PubAck lost");
        return receipt;
      },
    });
    await expect(relay.drainOnce()).rejects.toThrow("PubAck lost");
    const marked = await database.db
      .withSchema(schema)
      .selectFrom("outbox")
      .select(["message_id", "published_at", "claimed_by", "last_error"])
      .orderBy("id")
      .execute();
    expect(marked.map((r) => r.published_at !== null)).toEqual([true, true, false, true, true]);
    expect(marked[2]).toMatchObject({ claimed_by: null, last_error: "PubAck lost" });
    expect(await streamMessages(stream)).toBe(5);

    expect(await relay.drainOnce()).toBe(1);
    expect(await unpublished()).toBe(0);
    expect(await streamMessages(stream)).toBe(5);
  });

  it("rows claimed with the last mark but not sent when the relay stops are given back at once", async () => {
    const { ns, stream } = await provision();
    await enqueue(ns, 15);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const relay = relayOfTen(() => gate);
    relay.start();
    await waitFor(
      async () => {
        const claimed = await database.db
          .withSchema(schema)
          .selectFrom("outbox")
          .select("id")
          .where("claimed_by", "=", relay.id)
          .execute();
        return claimed.length === 10;
      },
      { timeoutMs: 10_000, what: "the first batch claimed" },
    );
    const stopped = relay.stop();
    open();
    await stopped;
    // The first batch went out; its mark claimed the last five, which the stop gave back unsent.
    expect(await streamMessages(stream)).toBe(10);
    const rest = await database.db
      .withSchema(schema)
      .selectFrom("outbox")
      .select(["claimed_by", "claimed_until", "attempts"])
      .where("published_at", "is", null)
      .execute();
    expect(rest).toEqual(
      Array.from({ length: 5 }, () => ({ claimed_by: null, claimed_until: null, attempts: 0 })),
    );
  });

  it("rows handed over after their commit are published at once, each once, in order, and marked", async () => {
    const { ns, stream } = await provision();
    const counts = new Map<string, number>();
    const marked: string[] = [];
    // No pass would find them for a minute: only the handoff publishes them.
    const relay = createOutboxRelay({
      db: database.db,
      schema,
      logger,
      pollMs: 60_000,
      publish: countingPublisher(counts),
      onPublished: (ids) => marked.push(...ids),
    });
    relay.start();
    try {
      const batches = [
        await enqueueClaimed(ns, 3, relay.handoff.claim),
        await enqueueClaimed(ns, 4, relay.handoff.claim),
      ];
      expect(batches.flat().every((r) => r.attempts === 1)).toBe(true);
      batches.forEach((rows) => relay.handoff.publish(rows));
      const ids = batches.flat().map((r) => r.message_id);
      // onPublished is told once the mark has committed, so the rows can be seen marked a moment before.
      await waitFor(async () => marked.length === ids.length && (await unpublished()) === 0, {
        timeoutMs: 10_000,
        what: "handed-off rows marked, and onPublished told",
      });
      expect(marked).toEqual(ids);
      expect([...counts.entries()]).toEqual(ids.map((id) => [id, 1]));
      const jsm = await jetstreamManager(nc);
      const stored = await Promise.all(ids.map((_, i) => jsm.streams.getMessage(stream, { seq: i + 1 })));
      expect(stored.map((m) => m?.header?.get("Nats-Msg-Id"))).toEqual(ids);
    } finally {
      await relay.stop();
    }
  });

  it("rows claimed for a handoff that never came are left to the relay's passes until the lease ends, then published once", async () => {
    const { ns, stream } = await provision();
    const counts = new Map<string, number>();
    const relay = createOutboxRelay({
      db: database.db,
      schema,
      logger,
      pollMs: 20,
      handoffLeaseMs: 1_500,
      publish: countingPublisher(counts),
    });
    relay.start();
    try {
      // The writer committed, then died before handing the rows over.
      const rows = await enqueueClaimed(ns, 5, relay.handoff.claim);
      await new Promise((r) => setTimeout(r, 700));
      expect(await unpublished()).toBe(5);
      await waitFor(async () => (await unpublished()) === 0, {
        timeoutMs: 10_000,
        what: "rows published after the lease",
      });
      expect([...counts.keys()].sort()).toEqual(rows.map((r) => r.message_id).sort());
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect(await streamMessages(stream)).toBe(5);
    } finally {
      await relay.stop();
    }
  });

  it("a handoff whose publish fails gives its rows back: the relay's passes publish them", async () => {
    const { ns, stream } = await provision();
    const js = jetstream(nc);
    let refusals = 2;
    const relay = createOutboxRelay({
      db: database.db,
      schema,
      logger,
      pollMs: 60_000,
      maxBackoffMs: 200,
      publish: async (m) => {
        if (refusals > 0) {
          refusals--;
          throw new Error("NATS is away");
        }
        return publish(js, m.subject, m.data, { msgId: m.msgId, headers: m.headers });
      },
    });
    relay.start();
    try {
      const rows = await enqueueClaimed(ns, 3, relay.handoff.claim);
      relay.handoff.publish(rows);
      // Without the give-back they would wait for the lease (5 s) and a pass (a minute).
      await waitFor(async () => (await unpublished()) === 0, {
        timeoutMs: 4_000,
        what: "rows published by a pass",
      });
      expect(await streamMessages(stream)).toBe(3);
      const after = await database.db
        .withSchema(schema)
        .selectFrom("outbox")
        .select(["message_id", "last_error"])
        .orderBy("id")
        .execute();
      expect(after.map((r) => r.message_id)).toEqual(rows.map((r) => r.message_id));
    } finally {
      await relay.stop();
    }
  });
});
