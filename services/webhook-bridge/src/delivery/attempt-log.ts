import type { Kysely } from "kysely";
import type { WebhookBridgeDB } from "../webhook-bridge.tables.js";
import {
  deliveredAmong,
  deliveryKey,
  insertAttempts,
  type AttemptWrite,
  type DeliveryKey,
} from "./delivery-attempt.repository.js";
import { Batcher } from "@switchboard/bus";

/** Deliveries remembered as sent but not logged; past this, the oldest is forgotten (and may be sent again). */
const MAX_UNLOGGED = 10_000;
/** Rows or lookups in one statement, and statements of each kind running at once. */
const MAX_BATCH = 256;
const MAX_RUNNING = 2;
/**
 * How long an attempt waits for others to share its INSERT, unless WRITE_EARLY are waiting. The
 * delivery has happened by then and only its ack waits, so fewer statements (at 500 deliveries/s,
 * about 30 a second instead of 100) cost no one any latency; a busy subscription (64 in flight)
 * fills a statement before the linger ends, so its acks do not wait. Lookups come before a delivery
 * and do not wait.
 */
const WRITE_LINGER_MS = 20;
const WRITE_EARLY = 32;

/** What the log and this engine know of a message for a subscription, before sending it. */
export type LogLookup =
  { kind: "delivered" } | { kind: "unlogged"; attempt: AttemptWrite } | { kind: "not-delivered" };

/**
 * The delivery log as the consumers use it. Lookups and writes of the deliveries in flight share
 * statements: one SELECT for the messages about to be sent, one multi-row INSERT for the attempts
 * just made, each caller answered once its statement has run (a write: once it is committed). A
 * delivery that reached its endpoint but whose attempt could not be written is remembered here,
 * so that when its message comes again (it was not acked) the attempt is written instead of the
 * event being sent a second time.
 */
export class AttemptLog {
  private readonly lookups: Batcher<DeliveryKey, boolean>;
  private readonly writes: Batcher<AttemptWrite, void>;
  private readonly unlogged = new Map<string, AttemptWrite>();

  constructor(db: Kysely<WebhookBridgeDB>) {
    const options = { maxBatch: MAX_BATCH, maxRunning: MAX_RUNNING };
    this.lookups = new Batcher(async (keys) => {
      const delivered = await deliveredAmong(db, keys);
      return keys.map((k) => delivered.has(deliveryKey(k.subscriptionId, k.messageId)));
    }, options);
    this.writes = new Batcher(
      async (attempts) => {
        await insertAttempts(db, attempts);
        return attempts.map(() => undefined);
      },
      { maxBatch: WRITE_EARLY, maxRunning: MAX_RUNNING, lingerMs: WRITE_LINGER_MS },
    );
  }

  async lookUp(subscriptionId: string, messageId: string): Promise<LogLookup> {
    const key = deliveryKey(subscriptionId, messageId);
    if (await this.lookups.submit({ subscriptionId, messageId })) {
      this.unlogged.delete(key);
      return { kind: "delivered" };
    }
    const attempt = this.unlogged.get(key);
    return attempt === undefined ? { kind: "not-delivered" } : { kind: "unlogged", attempt };
  }

  /** Resolves once the attempt is committed; a delivery it could not write is remembered (see lookUp). */
  async write(attempt: AttemptWrite): Promise<void> {
    const key = deliveryKey(attempt.subscriptionId, attempt.messageId);
    try {
      await this.writes.submit(attempt);
    } catch (error) {
      if (attempt.kind === "delivery" && attempt.outcome === "delivered") this.remember(key, attempt);
      throw error;
    }
    this.unlogged.delete(key);
  }

  private remember(key: string, attempt: AttemptWrite): void {
    this.unlogged.delete(key);
    this.unlogged.set(key, attempt);
    if (this.unlogged.size > MAX_UNLOGGED) {
      const oldest = this.unlogged.keys().next().value;
      if (oldest !== undefined) this.unlogged.delete(oldest);
    }
  }
}
