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
  /** Retries after a connection error (0), a 429, 503 or 504, by status. */
  retried: Record<number, number>;
  /** Answers that are neither 202 nor worth a retry, as `status body`. */
  refused: string[];
}

export interface Load {
  accepted(): number;
  /** Retries so far, e.g. to see that a fault was felt by the client. */
  retries(): number;
  done: Promise<LoadResult>;
}

const RETRY_PAUSE_MS = 100;
/** Nothing was stored, or it was and the same Idempotency-Key finds it: a retry is safe. */
const RETRIED = new Set([0, 429, 503, 504]);
const MAX_TRIES = 1_200;

/**
 * A scheduling system posting distinct bookings to ingress, `concurrency` at a time, as a careful
 * client does: a connection error, 503 or 429 is retried with the same Idempotency-Key.
 */
export function postBookings(opts: LoadOptions): Load {
  const first = opts.first ?? 0;
  const result: LoadResult = { accepted: [], retried: {}, refused: [] };
  let retries = 0;
  let next = first;
  const post = async (n: number): Promise<void> => {
    for (let tries = 1; tries <= MAX_TRIES; tries++) {
      const { status, body } = await send(opts, n).catch(() => ({ status: 0, body: "" }));
      if (status === 202) {
        result.accepted.push(n);
        return;
      }
      if (!RETRIED.has(status)) {
        result.refused.push(`${status} ${body.slice(0, 300)}`);
        return;
      }
      retries++;
      result.retried[status] = (result.retried[status] ?? 0) + 1;
      await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
    }
    result.refused.push(`booking ${n}: no answer after ${MAX_TRIES} tries`);
  };
  const worker = async () => {
    while (next < first + opts.count) await post(next++);
  };
  const done = Promise.all(Array.from({ length: opts.concurrency }, worker)).then(() => result);
  return { accepted: () => result.accepted.length, retries: () => retries, done };
}

async function send(opts: LoadOptions, n: number): Promise<{ status: number; body: string }> {
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
  return { status: res.status, body: await res.text() };
}
