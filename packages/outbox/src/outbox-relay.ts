import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { Logger } from "@switchboard/logger";
import { tablesOf } from "@switchboard/db";
import { createHandoff, type OutboxHandoff } from "./outbox-handoff.js";
import { inOrder, type OutboxRow, type OutboxTables } from "./outbox.table.js";

/** Publishes one message to JetStream and resolves only after the PubAck. */
export type OutboxPublisher = (message: {
  subject: string;
  data: Uint8Array;
  msgId: string;
  headers: Record<string, string>;
}) => Promise<{ seq: number; duplicate: boolean }>;

export interface OutboxRelayOptions<DB extends OutboxTables> {
  db: Kysely<DB>;
  schema: string;
  publish: OutboxPublisher;
  logger: Logger;
  /** How often to look for rows when nothing woke the relay. */
  pollMs?: number;
  batchSize?: number;
  /**
   * How long a claim lasts. A relay that dies leaves its rows to others after this; it must stay
   * well under the stream's duplicate window so their republish is dropped by the broker.
   */
  leaseMs?: number;
  /** Longest pause after failures (e.g. NATS down). */
  maxBackoffMs?: number;
  /** Called with every row this relay marked published (tests use it to prove exactly-once). */
  onPublished?: (messageIds: string[]) => void;
  /** The largest message the bus carries; a larger row is not sent (it would be refused). */
  maxMessageBytes?: () => number | undefined;
  /** Whether a failed publish is one no retry fixes (the broker refused the message itself). */
  isPermanent?: (error: unknown) => boolean;
  /**
   * Hands a row that can never be published to the dead-letter queue, with the reason. Without
   * it such a row is retried for ever (but no longer holds up the rows after it).
   */
  setAside?: (row: OutboxRow, reason: string) => Promise<void>;
  /** Attempts with a permanent failure before a row is set aside. Default 3. */
  setAsideAfter?: number;
  /**
   * How long rows enqueued claimed for a handoff stay this relay's before any relay may take them
   * (the writer died before handing them over). Default: the lease, at most 5 seconds.
   */
  handoffLeaseMs?: number;
  /**
   * How long the mark of handed-off rows waits for more before it runs: the events are out
   * already, and under load one mark statement then covers many handoffs. Default 50 ms.
   */
  handoffMarkLingerMs?: number;
}

/** A row the bus cannot carry: refused before it is sent. */
class TooLargeError extends Error {}

export interface OutboxRelay {
  readonly id: string;
  start(): void;
  /** Ask for an immediate pass (after a commit that enqueued events). */
  kick(): void;
  readonly handoff: OutboxHandoff;
  /** Stops after the current pass and the handoffs under way. */
  stop(): Promise<void>;
  /** Runs one pass; returns how many rows were published. */
  drainOnce(): Promise<number>;
}

const encoder = new TextEncoder();

/** Row ids as one `bigint[]` parameter. */
function toBigints(ids: OutboxRow["id"][]) {
  return sql`${ids.map(String)}::bigint[]`;
}

export function createOutboxRelay<DB extends OutboxTables>(options: OutboxRelayOptions<DB>): OutboxRelay {
  const { schema, publish, logger } = options;
  const db: Kysely<OutboxTables> = tablesOf(options.db);
  const pollMs = options.pollMs ?? 250;
  const batchSize = options.batchSize ?? 500;
  const leaseMs = options.leaseMs ?? 30_000;
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;
  const handoffLeaseMs = options.handoffLeaseMs ?? Math.min(leaseMs, 5_000);
  const markLingerMs = options.handoffMarkLingerMs ?? 50;
  const id = `relay-${randomUUID()}`;
  const log = logger.child({ component: "outbox-relay", schema });

  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let kicked = false;

  /** Takes the next batch: unpublished rows whose lease is free or expired, oldest first. */
  async function claim(): Promise<OutboxRow[]> {
    return inOrder((await claimNext([]).execute(db)).rows);
  }

  /**
   * Marks the rows published and claims the next batch in the same statement: a relay that keeps
   * finding rows costs PostgreSQL one round trip per batch, not two. The claim skips the rows being
   * marked (its snapshot still shows them unpublished); the statement commits both or neither.
   */
  async function markAndClaim(published: OutboxRow[]): Promise<OutboxRow[]> {
    const ids = published.map((r) => r.id);
    const result = await sql<OutboxRow>`
      with marked as (${markStatement(ids)})
      ${claimNext(ids)}`.execute(db);
    return inOrder(result.rows);
  }

  function claimNext(marking: OutboxRow["id"][]) {
    const table = sql.table(`${schema}.outbox`);
    const skip = marking.length === 0 ? sql`` : sql`and id <> all(${toBigints(marking)})`;
    return sql<OutboxRow>`
      update ${table} set claimed_by = ${id},
        claimed_until = now() + ${`${leaseMs} milliseconds`}::interval, attempts = attempts + 1
      where id in (
        select id from ${table}
        where published_at is null and set_aside_at is null and (claimed_until is null or claimed_until < now())
          ${skip}
        order by id limit ${batchSize} for update skip locked)
      returning id, message_id, subject, payload, headers, attempts`;
  }

  /** Only where the claim is still this relay's: after a lost lease the row is another relay's to mark. */
  function markStatement(ids: OutboxRow["id"][]) {
    return sql`
      update ${sql.table(`${schema}.outbox`)} set published_at = now(), claimed_until = null, last_error = null
      where id = any(${toBigints(ids)}) and claimed_by = ${id}`;
  }

  /** Gives claimed rows back: after a failure (kept as `last_error`), or unsent (their attempt undone). */
  async function release(rows: OutboxRow[], why: { error: unknown } | "unsent"): Promise<void> {
    const after =
      why === "unsent"
        ? { attempts: sql<number>`attempts - 1` }
        : { last_error: (why.error instanceof Error ? why.error.message : String(why.error)).slice(0, 1000) };
    await db
      .withSchema(schema)
      .updateTable("outbox")
      .set({ claimed_by: null, claimed_until: null, ...after })
      .where(
        "id",
        "in",
        rows.map((r) => r.id),
      )
      .where("claimed_by", "=", id)
      .where("published_at", "is", null)
      .execute();
  }

  /**
   * Sends every row in order on one connection and awaits the acks together, so a batch costs one
   * round trip; each row succeeds or fails on its own, so one that cannot be published holds up
   * none of the others.
   */
  async function publishRows(rows: OutboxRow[]): Promise<PromiseSettledResult<unknown>[]> {
    const max = options.maxMessageBytes?.();
    return Promise.allSettled(
      rows.map((row) => {
        const data = encoder.encode(row.payload);
        if (max !== undefined && data.length + headerBytes(row.headers) > max) {
          return Promise.reject(
            new TooLargeError(`the event is ${data.length} bytes, more than the bus carries (${max} bytes)`),
          );
        }
        return publish({ subject: row.subject, data, msgId: row.message_id, headers: row.headers });
      }),
    );
  }

  /** A row that failed: set aside when no retry can help and it has had its attempts, else released. */
  async function settleFailed(row: OutboxRow, error: unknown): Promise<"set-aside" | "released"> {
    const permanent = error instanceof TooLargeError || (options.isPermanent?.(error) ?? false);
    const reason = error instanceof Error ? error.message : String(error);
    if (permanent && options.setAside !== undefined && row.attempts >= (options.setAsideAfter ?? 3)) {
      await options.setAside(row, `the outbox could not publish this event: ${reason}`);
      await db
        .withSchema(schema)
        .updateTable("outbox")
        .set({ set_aside_at: sql`now()`, claimed_until: null, last_error: reason.slice(0, 1000) })
        .where("id", "=", row.id)
        .where("claimed_by", "=", id)
        .execute();
      log.error({ messageId: row.message_id, reason }, "outbox row set aside to the dead-letter queue");
      return "set-aside";
    }
    await release([row], { error });
    return "released";
  }

  async function markPublished(rows: OutboxRow[]): Promise<void> {
    await markStatement(rows.map((r) => r.id)).execute(db);
  }

  /**
   * One batch: publish the rows, mark those acked, settle the others. With `claimNext` the mark
   * also claims the batch after, which the caller publishes next (it is this relay's until its
   * lease ends).
   */
  async function pass(
    rows: OutboxRow[],
    claimNext: boolean,
  ): Promise<{ published: number; next: OutboxRow[] }> {
    if (rows.length === 0) return { published: 0, next: [] };
    const results = await publishRows(rows);
    const published = rows.filter((_, i) => results[i]!.status === "fulfilled");
    const failed = published.length < rows.length;
    let next: OutboxRow[] = [];
    if (published.length > 0) {
      // After a failure the relay backs off: it claims nothing more until then.
      if (claimNext && !failed) next = await markAndClaim(published);
      else await markPublished(published);
      options.onPublished?.(published.map((r) => r.message_id));
    }
    const retryLater = await settleFailures(rows, results);
    // Rows wait for a retry (NATS away, say): back off before the next pass.
    if (retryLater !== undefined) throw retryLater.reason;
    return { published: published.length, next };
  }

  /**
   * Settles each row whose publish failed (set aside or released); the first failure of a row that
   * was released, boxed so that a rejection whose reason is undefined still counts.
   */
  async function settleFailures(
    rows: readonly OutboxRow[],
    results: readonly PromiseSettledResult<unknown>[],
  ): Promise<{ reason: unknown } | undefined> {
    let retryLater: { reason: unknown } | undefined;
    for (const [i, result] of results.entries()) {
      if (result.status === "fulfilled") continue;
      const settled = await settleFailed(rows[i]!, result.reason).catch((e: unknown) => {
        log.warn({ err: e }, "could not release or set aside an outbox row");
        return "released" as const;
      });
      if (settled === "released") retryLater ??= { reason: result.reason };
    }
    return retryLater;
  }

  async function drainOnce(): Promise<number> {
    return (await pass(await claim(), false)).published;
  }

  function headerBytes(headers: Record<string, string>): number {
    // The headers the row carries, plus the ones the publisher adds (message id, expected stream).
    return Object.entries(headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 256);
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
      if (kicked) done();
    });
  }

  /**
   * Claims a batch, publishes it, and marks it while claiming the next, for as long as there are
   * rows; then waits for a kick or the poll interval.
   */
  async function run(): Promise<void> {
    let failures = 0;
    let claimed: OutboxRow[] = [];
    while (running) {
      kicked = false;
      try {
        const rows = claimed.length > 0 ? claimed : await claim();
        claimed = [];
        const { published, next } = await pass(rows, true);
        claimed = next;
        if (failures > 0) log.info({ published }, "outbox relay recovered");
        failures = 0;
        if (claimed.length > 0) continue;
      } catch (error) {
        failures++;
        if (failures === 1 || failures % 20 === 0)
          log.warn({ err: error, failures }, "outbox publish failed; rows wait");
      }
      if (!running) break;
      await sleep(failures > 0 ? Math.min(maxBackoffMs, 100 * 2 ** Math.min(failures, 10)) : pollMs);
    }
    // Claimed with the last mark and never sent: other relays need not wait for the lease.
    if (claimed.length > 0) {
      await release(claimed, "unsent").catch((e: unknown) =>
        log.warn({ err: e }, "could not release the outbox rows claimed last; they wait for their lease"),
      );
    }
  }

  const handoff = createHandoff({
    claim: { relayId: id, leaseMs: handoffLeaseMs },
    running: () => running,
    publishRows,
    markPublished,
    settleFailures,
    kick,
    onPublished: options.onPublished,
    markLingerMs,
    log,
  });

  function kick(): void {
    kicked = true;
    wake?.();
  }

  return {
    id,
    handoff: { claim: handoff.claim, publish: handoff.publish },
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    kick,
    async stop() {
      running = false;
      wake?.();
      await loop;
      await handoff.idle();
    },
    drainOnce,
  };
}
