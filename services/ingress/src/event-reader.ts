import {
  AckPolicy,
  DeliverPolicy,
  type Consumer,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from "@nats-io/jetstream";
import { isSwitchboardError, UnavailableError } from "@switchboard/errors";
import { eventFilter, eventSubject } from "@switchboard/events";
import type { ServiceContext } from "@switchboard/runtime";
import { EventScan, type PolledEvent } from "./event-scan.js";

export interface EventReaderParts {
  js: JetStreamClient;
  jsm: () => Promise<JetStreamManager>;
  namespace: string;
  eventsStream: string;
  isUp: () => boolean;
  logger: ServiceContext["logger"];
}

export interface PollRequest {
  orgId: string;
  /** Stream sequence the caller has seen; events after it are read. */
  after: number;
  /** Empty: every type. */
  types: readonly string[];
  limit: number;
  /** How long to wait when nothing matches yet. */
  waitMs: number;
  /** Ends a wait early (the caller went away, the server is stopping). */
  signal: AbortSignal;
}

export interface PollResult {
  events: PolledEvent[];
  /** Pass as `after` next time. */
  next: number;
}

/** The client's floor for a pull request's expiry; shorter waits are cut off here. */
const MIN_EXPIRES_MS = 1_000;
/** Upper bound for pulling messages the consumer already counts as pending. */
const AVAILABLE_WAIT_MS = 5_000;
const FETCH_BATCH = 256;
/** Left behind by a crashed process, the server deletes the consumer after this long. */
const CONSUMER_IDLE_MS = 60_000;

/**
 * Reads an org's events after a stream sequence through an ephemeral pull consumer, deleted when
 * done. Its filter subject (`<ns>.events.<org>.…`) is the tenancy boundary: nothing of another org
 * is ever delivered here. nats-server 2.9 takes one filter per consumer, so several types are
 * filtered here; one type is left to the server.
 */
export async function pollEvents(parts: EventReaderParts, request: PollRequest): Promise<PollResult> {
  if (!parts.isUp()) {
    throw new UnavailableError("NATS is unreachable; poll again later", {
      details: { retryAfterSeconds: 5 },
    });
  }
  const deadline = Date.now() + request.waitMs;
  const jsm = await parts.jsm();
  const { name, pending, streamLast } = await unavailableOnFailure(parts, "open a poll", async () => {
    // Read before the consumer exists: every event of the org up to here is then among its pending.
    const streamLast = (await jsm.streams.info(parts.eventsStream)).state.last_seq;
    const created = await jsm.consumers.add(parts.eventsStream, consumerConfig(parts.namespace, request));
    return { name: created.name, pending: created.num_pending, streamLast };
  });
  try {
    return await unavailableOnFailure(parts, "read events", async () => {
      const consumer = await parts.js.consumers.get(parts.eventsStream, name);
      return await scan(consumer, pending, streamLast, deadline, request, parts.logger);
    });
  } finally {
    await jsm.consumers
      .delete(parts.eventsStream, name)
      .catch((error: unknown) =>
        parts.logger.warn(
          { err: error, consumer: name },
          "poll consumer not deleted; the server drops it when idle",
        ),
      );
  }
}

function consumerConfig(namespace: string, request: PollRequest) {
  const [only] = request.types;
  return {
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: request.after + 1,
    filter_subject:
      request.types.length === 1 && only !== undefined
        ? eventSubject(namespace, request.orgId, only)
        : eventFilter(namespace, request.orgId),
    inactive_threshold: CONSUMER_IDLE_MS * 1_000_000,
    mem_storage: true,
    num_replicas: 1,
  };
}

/**
 * Pulls the backlog (the matching events that existed when the consumer was made: its
 * `num_pending`, exact, unlike the per-message count 2.9 reports for a filtered start sequence);
 * then, if nothing matched, waits for new events one at a time until the deadline. `next` is the
 * last sequence settled, or the stream's end once the whole backlog was: a client filtering for
 * rare types does not scan the same events again.
 */
async function scan(
  consumer: Consumer,
  backlogAtStart: number,
  streamLast: number,
  deadline: number,
  request: PollRequest,
  logger: ServiceContext["logger"],
): Promise<PollResult> {
  const gathered = new EventScan(
    request.after,
    request.limit,
    request.types.length > 1 ? request.types : [],
    logger,
  );
  let backlog = backlogAtStart;
  while (!gathered.done && !request.signal.aborted) {
    if (backlog > 0) {
      const wanted = Math.min(backlog, FETCH_BATCH, gathered.wanted);
      const messages = await take(consumer, wanted, AVAILABLE_WAIT_MS, request.signal);
      for (const message of messages) {
        if (gathered.settle(message)) backlog--;
        if (gathered.full) break;
      }
      // Fewer than counted and not cut short: the rest went meanwhile (retention limits).
      if (messages.length < wanted && !gathered.full && !request.signal.aborted) backlog = 0;
      continue;
    }
    const remaining = deadline - Date.now();
    if (gathered.events.length > 0 || remaining <= 0) break;
    const [message] = await take(consumer, 1, remaining, request.signal);
    if (message === undefined) break;
    gathered.settle(message);
  }
  return {
    events: gathered.events,
    next: backlog === 0 ? Math.max(gathered.last, streamLast) : gathered.last,
  };
}

/** Up to `max` messages, waiting at most `waitMs` (or until aborted) for them. */
async function take(consumer: Consumer, max: number, waitMs: number, signal: AbortSignal): Promise<JsMsg[]> {
  if (signal.aborted) return [];
  const messages = await consumer.fetch({ max_messages: max, expires: Math.max(MIN_EXPIRES_MS, waitMs) });
  const stop = (): void => messages.stop();
  const timer = waitMs < MIN_EXPIRES_MS ? setTimeout(stop, waitMs) : undefined;
  signal.addEventListener("abort", stop, { once: true });
  const out: JsMsg[] = [];
  try {
    for await (const message of messages) {
      out.push(message);
      if (out.length >= max) break;
    }
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", stop);
  }
  return out;
}

/** A failed JetStream call is the stream being out of reach for the caller: 503, the cause logged. */
async function unavailableOnFailure<T>(
  parts: EventReaderParts,
  what: string,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isSwitchboardError(error)) throw error;
    parts.logger.warn({ err: error, stream: parts.eventsStream }, `could not ${what}`);
    throw new UnavailableError(`could not ${what} on the events stream; poll again later`, {
      cause: error,
      details: { retryAfterSeconds: 5 },
    });
  }
}
