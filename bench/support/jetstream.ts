import { AckPolicy, DeliverPolicy, jetstreamManager } from "@nats-io/jetstream";
import { connectBus, jetstream, publish, type NatsConnection } from "@switchboard/bus";
import { createLogger } from "@switchboard/logger";
import { runInFlight } from "./load.js";

const logger = createLogger({ level: "silent" });

/** A NATS connection of the bench's own, as a third party or a bare client would have. */
export function benchConnection(natsUrl: string, name: string): Promise<NatsConnection> {
  return connectBus({ servers: natsUrl, name, logger });
}

export interface Published {
  /** Stream sequence of the first message published. */
  firstSeq: number;
  ms: number;
}

/**
 * Publishes every message to JetStream with its Nats-Msg-Id, `inFlight` PubAcks awaited at once,
 * on a connection of its own.
 */
export async function publishAll(
  natsUrl: string,
  messages: { subject: string; data: Uint8Array; msgId: string }[],
  inFlight: number,
): Promise<Published> {
  const nc = await benchConnection(natsUrl, "bench-publisher");
  try {
    const js = jetstream(nc);
    let firstSeq = Number.POSITIVE_INFINITY;
    const ms = await runInFlight(messages.length, inFlight, async (i) => {
      const m = messages[i]!;
      const receipt = await publish(js, m.subject, m.data, { msgId: m.msgId });
      firstSeq = Math.min(firstSeq, receipt.seq);
    });
    return { firstSeq, ms };
  } finally {
    await nc.drain();
  }
}

/**
 * A bare consume loop: a new durable pull consumer on `stream` from `startSeq`, `inFlight` messages
 * worked on at once, each passed to `work` and then acked. Resolves with the milliseconds from the
 * first message received to the last one acked, once `count` messages were handled.
 */
export async function bareConsume(
  natsUrl: string,
  opts: { stream: string; filter: string; startSeq: number; count: number; inFlight: number },
  work: (data: Uint8Array, subject: string) => Promise<void>,
): Promise<number> {
  const nc = await benchConnection(natsUrl, "bench-bare-consumer");
  const durable = `bench-bare-${Date.now().toString(36)}`;
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.consumers.add(opts.stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: opts.startSeq,
      filter_subject: opts.filter,
      ack_wait: 30_000_000_000,
    });
    const consumer = await jetstream(nc).consumers.get(opts.stream, durable);
    const messages = await consumer.consume({ max_messages: opts.inFlight });
    let done = 0;
    let first = 0;
    let running = 0;
    let slotFreed: (() => void) | undefined;
    let finished!: () => void;
    let failed!: (error: unknown) => void;
    const allDone = new Promise<void>((resolve, reject) => ((finished = resolve), (failed = reject)));
    for await (const m of messages) {
      if (first === 0) first = performance.now();
      while (running >= opts.inFlight) await new Promise<void>((r) => (slotFreed = r));
      running++;
      work(m.data, m.subject).then(() => {
        m.ack();
        running--;
        slotFreed?.();
        if (++done === opts.count) finished();
      }, failed);
      if (done + running >= opts.count) break;
    }
    await allDone;
    const ms = performance.now() - first;
    await messages.close();
    await nc.flush();
    await jsm.consumers.delete(opts.stream, durable);
    return ms;
  } finally {
    await nc.drain();
  }
}
