import {
  jetstream,
  type Consumer,
  type ConsumerMessages,
  type JetStreamClient,
  type JsMsg,
} from "@nats-io/jetstream";
import { millis, type NatsConnection } from "@nats-io/nats-core";
import type { Logger } from "@switchboard/logger";
import type { MessageHandler } from "./consumed-message.js";
import { DeliveryCopies, settleCopy } from "./delivery-copies.js";
import { InFlight } from "./in-flight.js";
import { KeepAlive } from "./keep-alive.js";
import { processMessage, type SettlerContext } from "./message-settler.js";
import { streamNames } from "./stream-names.js";

export interface RunConsumerOptions {
  nc: NatsConnection;
  stream: string;
  /** An existing durable pull consumer on `stream` (see ensureConsumer). */
  durable: string;
  namespace: string;
  /** Stream prefix of the deployment, naming its DLQ stream. */
  dlqPrefix: string;
  handler: MessageHandler;
  /** Deliveries before a retried message is dead-lettered. */
  maxDeliver: number;
  /** Nak delay after delivery n fails: backoffMs[min(n-1, len-1)]. */
  backoffMs: number[];
  /** DLQ stage for messages whose retries ran out, e.g. "rules". */
  stage: string;
  logger: Logger;
  /** Handlers running at once; default 1. */
  concurrency?: number;
  /**
   * Bytes of message data (payloads) the running handlers may hold at once; default: no bound but
   * `concurrency`. A pull asks for no more messages than fit if each were as large as the server
   * allows (its max_payload), so the bound holds whatever arrives;
   * when no handler runs, one message is taken even if it alone is larger.
   */
  maxBytesInFlight?: number;
  /**
   * How long one pull request waits for messages (min 1000, default 5000). stop() lets the open
   * request run out rather than abandon it, so this bounds how long stop() waits when idle.
   */
  pullExpiresMs?: number;
}

export interface ConsumerRunner {
  /** Stops pulling, hands back messages it had not started, waits for running handlers. */
  stop(): Promise<void>;
  /** Settles when the loop has ended (after stop, or when the connection is closed). */
  done: Promise<void>;
}

const RETRY_DELAY_MS = 1_000;
/** nats-server's max_payload when the connection does not say. */
const DEFAULT_MAX_PAYLOAD = 1_048_576;

/** Half the ack wait, so a message being handled is told to the server twice per ack wait; at least 1 s. */
function keepAliveIntervalMs(ackWaitMs: number): number {
  return Math.max(1_000, ackWaitMs / 2);
}
const FLUSH_TIMEOUT_MS = 2_000;

export function runConsumer(opts: RunConsumerOptions): ConsumerRunner {
  const loop = new ConsumeLoop(opts);
  const done = loop.run();
  return {
    stop: async () => {
      loop.stop();
      await done;
    },
    done,
  };
}

/**
 * A fetch loop rather than the client's consume(): it asks for no more messages than it has free
 * handler slots (so nothing waits in a buffer while its ack wait runs) and, with maxBytesInFlight,
 * than the bytes left could hold at the largest message the server takes; and it never abandons an
 * open pull request, because the server would deliver into it after we stopped listening and
 * those messages would sit out their ack wait.
 */
class ConsumeLoop {
  private readonly js: JetStreamClient;
  private readonly inFlight: InFlight;
  private readonly copies = new DeliveryCopies();
  private readonly log: Logger;
  private readonly expiresMs: number;
  private stopping = false;
  private wake: (() => void) | undefined;
  private batch: ConsumerMessages | undefined;
  private cutOff: NodeJS.Timeout | undefined;

  constructor(private readonly opts: RunConsumerOptions) {
    this.js = jetstream(opts.nc);
    this.expiresMs = Math.max(1_000, opts.pullExpiresMs ?? 5_000);
    this.inFlight = new InFlight(Math.max(1, opts.concurrency ?? 1), opts.maxBytesInFlight);
    this.log = opts.logger.child({ consumer: `${opts.stream}/${opts.durable}` });
  }

  async run(): Promise<void> {
    while (!this.stopping && !this.opts.nc.isClosed()) {
      try {
        await this.pullUntilStopped();
      } catch (error) {
        // Server restarting, consumer missing, timeouts: keep trying until stopped.
        if (!this.stopping) this.log.warn({ err: error }, "pulling messages failed; trying again");
        if (!this.stopping) await this.pause(RETRY_DELAY_MS);
      }
    }
    clearTimeout(this.cutOff);
    await this.inFlight.drain();
    if (this.stopping) await this.flushAcks();
    else this.log.error("consume loop ended: the NATS connection is closed");
  }

  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.wake?.();
    // An open pull runs out within its expiry, except while disconnected: then cut it off.
    this.cutOff = setTimeout(() => void this.batch?.close().catch(() => undefined), this.expiresMs + 2_000);
  }

  private async pullUntilStopped(): Promise<void> {
    const consumer = await this.js.consumers.get(this.opts.stream, this.opts.durable);
    const ctx = await this.settlerContext(consumer);
    const largest = this.largestMessage();
    while (!this.stopping && !this.opts.nc.isClosed()) {
      await this.inFlight.waitForRoom(largest);
      if (this.stopping) return;
      const room = this.inFlight.room(largest);
      const batch = await consumer.fetch({ max_messages: room, expires: this.expiresMs });
      this.batch = batch;
      for await (const m of batch) {
        if (this.stopping) {
          m.nak(); // pulled but not started: give it straight back
          continue;
        }
        // Which replica took which message: replicas share one durable consumer.
        this.log.debug({ seq: m.seq, deliveryCount: m.info.deliveryCount }, "message received");
        this.inFlight.add(this.handle(ctx, m), m.data.length);
      }
    }
  }

  /** Runs the handler once per stream message; a copy the server sends again is settled as the first was. */
  private async handle(ctx: SettlerContext, m: JsMsg): Promise<void> {
    const seen = this.copies.classify(m.seq);
    if (seen.kind === "new") {
      await this.copies.track(m.seq, processMessage(ctx, m));
      return;
    }
    this.log.warn(
      { seq: m.seq, deliveryCount: m.info.deliveryCount, first: seen.kind },
      "the server delivered a message this loop already has again; settling it as the first",
    );
    const settlement =
      seen.kind === "acked" ? { kind: "acked" as const } : await ctx.keepAlive.during(m, () => seen.first);
    settleCopy(m, settlement);
  }

  /**
   * The largest message the connected server takes (no stream holds a larger one), read at each
   * (re)start of the pulls, when bytes in flight are bounded (0 when they are not).
   */
  private largestMessage(): number {
    if (this.opts.maxBytesInFlight === undefined) return 0;
    return this.opts.nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD;
  }

  private async settlerContext(consumer: Consumer): Promise<SettlerContext> {
    const { config } = await consumer.info(true);
    this.warnOnServerLimit(config.max_deliver);
    const { handler, durable, maxDeliver, backoffMs, stage, namespace, dlqPrefix } = this.opts;
    return {
      js: this.js,
      handler,
      durable,
      maxDeliver,
      backoffMs,
      stage,
      dlq: { namespace, stream: streamNames(dlqPrefix).dlq },
      logger: this.log,
      keepAlive: new KeepAlive(
        keepAliveIntervalMs(config.ack_wait === undefined ? 30_000 : millis(config.ack_wait)),
      ),
    };
  }

  private warnOnServerLimit(serverMaxDeliver: number | undefined): void {
    if (serverMaxDeliver !== undefined && serverMaxDeliver > 0 && serverMaxDeliver <= this.opts.maxDeliver) {
      this.log.warn(
        { serverMaxDeliver, maxDeliver: this.opts.maxDeliver },
        "consumer max_deliver is not above the loop's maxDeliver: a failing message may stop being redelivered before it is dead-lettered",
      );
    }
  }

  /** Acks are fire-and-forget: push them to the server before the caller closes the connection. */
  private async flushAcks(): Promise<void> {
    if (this.opts.nc.isClosed()) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, FLUSH_TIMEOUT_MS)));
    await Promise.race([this.opts.nc.flush().catch(() => undefined), timeout]);
    clearTimeout(timer);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
