import { booking } from "./examples.js";
import { ORG } from "./fault-seed.js";

export interface LoadOptions {
  url: string;
  key: string;
  count: number;
  concurrency: number;
  /** Number of the first booking; the rest follow. */
  first?: number;
}

export interface LoadResult {
  /** Bookings answered 202 (on the first try or a retry). */
  accepted: number[];
  /** Retries after a connection error, a 503 or a 429. */
  retries: number;
  /** Answers that are neither 202 nor worth a retry, by status. */
  refused: Record<number, number>;
}

export interface Load {
  accepted(): number;
  /** Retries so far, e.g. to see that a fault was felt by the client. */
  retries(): number;
  done: Promise<LoadResult>;
}

const RETRY_PAUSE_MS = 100;
const MAX_TRIES = 1_200;

/**
 * A scheduling system posting distinct bookings to ingress, `concurrency` at a time, as a careful
 * client does: a connection error, 503 or 429 is retried with the same Idempotency-Key.
 */
export function postBookings(opts: LoadOptions): Load {
  const first = opts.first ?? 0;
  const result: LoadResult = { accepted: [], retries: 0, refused: {} };
  let next = first;
  const post = async (n: number): Promise<void> => {
    for (let tries = 1; tries <= MAX_TRIES; tries++) {
      const status = await send(opts, n).catch(() => 0);
      if (status === 202) {
        result.accepted.push(n);
        return;
      }
      if (status !== 0 && status !== 503 && status !== 429) {
        result.refused[status] = (result.refused[status] ?? 0) + 1;
        return;
      }
      result.retries++;
      await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
    }
    result.refused[0] = (result.refused[0] ?? 0) + 1;
  };
  const worker = async () => {
    while (next < first + opts.count) await post(next++);
  };
  const done = Promise.all(Array.from({ length: opts.concurrency }, worker)).then(() => result);
  return { accepted: () => result.accepted.length, retries: () => result.retries, done };
}

async function send(opts: LoadOptions, n: number): Promise<number> {
  const res = await fetch(`${opts.url}/v1/orgs/${ORG}/inbound/scheduling.slotBooked`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${opts.key}`,
      "content-type": "application/json",
      "idempotency-key": `booking-${n}`,
    },
    body: JSON.stringify(booking(n)),
    signal: AbortSignal.timeout(30_000),
  });
  await res.arrayBuffer();
  return res.status;
}
