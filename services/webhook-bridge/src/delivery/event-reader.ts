import { jetstream, jetstreamManager, type NatsConnection } from "@switchboard/bus";

/** One message of the EVENTS stream, as stored. */
export interface StoredEvent {
  seq: number;
  subject: string;
  data: Uint8Array;
  /** The `Nats-Msg-Id` it was published with. */
  msgId: string | undefined;
  /** When the stream stored it, ms since the epoch. */
  storedAtMs: number;
}

export async function readStoredEvent(
  nc: NatsConnection,
  stream: string,
  seq: number,
): Promise<StoredEvent | undefined> {
  const jsm = await jetstreamManager(nc);
  const m = await jsm.streams.getMessage(stream, { seq });
  if (m === null) return undefined;
  return {
    seq: m.seq,
    subject: m.subject,
    data: m.data,
    msgId: m.header?.get("Nats-Msg-Id") || undefined,
    storedAtMs: m.time.getTime(),
  };
}

export interface ScanOptions {
  stream: string;
  filterSubject: string;
  /** From this time (ISO-8601); absent, from the stream's first message. */
  since?: string;
  /** Headers only: enough to find a message id without reading every payload. */
  headersOnly?: boolean;
}

const BATCH = 500;
const EMPTY_WAIT_MS = 1_000;

/**
 * Visits the stream's messages on one subject filter, in order, with an ephemeral ordered consumer,
 * until `visit` returns "stop" or the end of the stream as the scan finds it.
 */
export async function scanEvents(
  nc: NatsConnection,
  options: ScanOptions,
  visit: (event: StoredEvent) => "next" | "stop",
): Promise<void> {
  const consumer = await jetstream(nc).consumers.get(options.stream, {
    filter_subjects: options.filterSubject,
    ...(options.since === undefined
      ? { deliver_policy: "all" as const }
      : { deliver_policy: "by_start_time" as const, opt_start_time: options.since }),
    headers_only: options.headersOnly === true,
  });
  for (;;) {
    let received = 0;
    const batch = await consumer.fetch({ max_messages: BATCH, expires: EMPTY_WAIT_MS });
    for await (const m of batch) {
      received += 1;
      const event: StoredEvent = {
        seq: m.seq,
        subject: m.subject,
        data: m.data,
        msgId: m.headers?.get("Nats-Msg-Id") || undefined,
        storedAtMs: Math.floor(m.info.timestampNanos / 1_000_000),
      };
      // Leaving the batch early abandons its pull request: harmless, this consumer is not used again.
      if (visit(event) === "stop" || m.info.pending === 0) {
        batch.stop();
        return;
      }
    }
    if (received === 0) return;
  }
}
