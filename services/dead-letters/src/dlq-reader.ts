import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type JsMsg,
  type JetStreamManager,
} from "@nats-io/jetstream";
import { nanos, type MsgHdrs, type NatsConnection } from "@nats-io/nats-core";
import { UnavailableError, isSwitchboardError } from "@switchboard/errors";
import type { StoredLetter } from "./dead-letter-entry.js";

export interface ScanOptions {
  /** A subject token; absent: every stage. */
  stage?: string;
  /** Start after this DLQ sequence (0: from the first). */
  afterSeq: number;
  /** Read no more than this many entries in all. */
  max: number;
  /** Skip the payloads (counting needs only subjects and headers). */
  headersOnly?: boolean;
}

export interface DlqReader {
  /** The entry with this sequence, if it is one of the org's. */
  get(orgId: string, seq: number): Promise<StoredLetter | undefined>;
  /** The org's entries after a sequence, oldest first, in batches. */
  scan(orgId: string, options: ScanOptions): AsyncGenerator<StoredLetter[]>;
}

const BATCH = 250;
const FETCH_EXPIRES_MS = 5_000;

/**
 * Reads the DLQ stream without changing it: single entries by direct get, ranges through an
 * ephemeral pull consumer with one filter subject (`<ns>.dlq.<org>.>` or `.<stage>`), which is what
 * nats-server 2.9 offers. The consumer is deleted after the scan; its inactivity threshold removes
 * it anyway if this process dies mid-scan.
 */
export function createDlqReader(nc: NatsConnection, opts: { namespace: string; stream: string }): DlqReader {
  const orgPrefix = (orgId: string): string => `${opts.namespace}.dlq.${orgId}.`;
  const manager = async (): Promise<JetStreamManager> =>
    jetstreamManager(nc).catch((error: unknown) => {
      throw unavailable(error, "JetStream");
    });

  return {
    async get(orgId, seq) {
      const jsm = await manager();
      const stored = await jsm.streams.getMessage(opts.stream, { seq }).catch((error: unknown) => {
        throw unavailable(error, `read dead letter ${seq}`);
      });
      // The subject, not the request path, decides whose entry it is.
      if (stored === null || !stored.subject.startsWith(orgPrefix(orgId))) return undefined;
      return {
        seq: stored.seq,
        subject: stored.subject,
        headers: headerMap(stored.header),
        data: stored.data,
        storedAt: stored.time,
      };
    },

    async *scan(orgId, scan) {
      if (scan.max <= 0) return;
      const jsm = await manager();
      const info = await jsm.consumers
        .add(opts.stream, {
          ack_policy: AckPolicy.None,
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: scan.afterSeq + 1,
          filter_subject: `${orgPrefix(orgId)}${scan.stage ?? ">"}`,
          mem_storage: true,
          inactive_threshold: nanos(60_000),
          ...(scan.headersOnly ? { headers_only: true } : {}),
        })
        .catch((error: unknown) => {
          throw unavailable(error, "read the dead-letter stream");
        });
      try {
        const consumer = await jetstream(nc).consumers.get(opts.stream, info.name);
        let remaining = Math.min(info.num_pending, scan.max);
        while (remaining > 0) {
          const want = Math.min(BATCH, remaining);
          const batch: StoredLetter[] = [];
          let drained = false;
          const messages = await consumer.fetch({ max_messages: want, expires: FETCH_EXPIRES_MS });
          for await (const m of messages) {
            batch.push(fromConsumer(m));
            drained = m.info.pending === 0;
            if (batch.length === want || drained) break;
          }
          if (batch.length === 0) return;
          remaining -= batch.length;
          yield batch;
          if (drained) return;
        }
      } finally {
        await jsm.consumers.delete(opts.stream, info.name).catch(() => undefined);
      }
    },
  };
}

function fromConsumer(m: JsMsg): StoredLetter {
  return {
    seq: m.seq,
    subject: m.subject,
    headers: headerMap(m.headers),
    data: m.data,
    storedAt: m.time,
  };
}

function headerMap(h: MsgHdrs | undefined): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const key of h?.keys() ?? []) map.set(key, h!.values(key));
  return map;
}

function unavailable(error: unknown, what: string): Error {
  if (isSwitchboardError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UnavailableError(`${what}: ${message}`, { cause: error });
}
