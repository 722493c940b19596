import { Agent, request } from "node:http";
import type { LatencySink } from "./latency-sink.js";

/** One test event: half of them (`match: true`) pass the filter of the path under test. */
export interface TestEvent {
  id: string;
  match: boolean;
  n: number;
  patientId: string;
}

export const testEvent = (run: string, n: number): TestEvent => ({
  id: `${run}-${n}`,
  match: n % 2 === 0,
  n,
  patientId: `pat-${n % 997}`,
});

/** Where the load goes: a URL, the headers every request carries, and the status that means "taken". */
export interface EventEndpoint {
  url: string;
  headers: Record<string, string>;
  /** Per-event headers, e.g. an Idempotency-Key. */
  headersOf?: (event: TestEvent) => Record<string, string>;
  okStatus: number;
}

/**
 * Sends test events over kept-alive HTTP connections and notes when each was sent and what each
 * answer was. Latency is measured from the send time noted here to the sink's receive time.
 */
export class EventSender {
  readonly sentAt = new Map<string, number>();
  readonly statuses = new Map<string, number>();
  readonly #agent: Agent;
  readonly #target: URL;

  constructor(
    private readonly endpoint: EventEndpoint,
    sockets: number,
  ) {
    this.#agent = new Agent({ keepAlive: true, maxSockets: sockets });
    this.#target = new URL(endpoint.url);
  }

  /** Resolves with the answer's status (0 when the request failed); never rejects. */
  send(event: TestEvent): Promise<number> {
    const body = JSON.stringify(event);
    const headers = {
      ...this.endpoint.headers,
      ...this.endpoint.headersOf?.(event),
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(body)),
    };
    this.sentAt.set(event.id, performance.now());
    return new Promise<number>((resolve) => {
      const req = request(
        {
          agent: this.#agent,
          host: this.#target.hostname,
          port: this.#target.port,
          path: this.#target.pathname,
          method: "POST",
          headers,
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
          res.on("error", () => resolve(0));
        },
      );
      req.on("error", () => resolve(0));
      req.end(body);
    }).then((status) => {
      this.statuses.set(event.id, status);
      return status;
    });
  }

  /** Events whose answer was not the endpoint's "taken" status, by status. */
  refused(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const status of this.statuses.values())
      if (status !== this.endpoint.okStatus) out[status] = (out[status] ?? 0) + 1;
    return out;
  }

  close(): void {
    this.#agent.destroy();
  }
}

/**
 * Closed loop: `concurrency` senders, each sending its next event as soon as the previous one is
 * answered, until `events` have been sent. Resolves with the time the first one was sent.
 */
export async function closedLoop(
  sender: EventSender,
  events: TestEvent[],
  concurrency: number,
): Promise<number> {
  const queue = events.values();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let e = queue.next(); !e.done; e = queue.next()) await sender.send(e.value);
    }),
  );
  return started;
}

export interface OpenLoopRun {
  started: number;
  /** Events per second actually sent, first send to last. */
  achievedRate: number;
  /** Most requests waiting for an answer at once. */
  peakInFlight: number;
}

/**
 * Open loop: event i is sent at start + i / rate whatever the answers are doing (so a slow
 * system meets the same arrivals, not fewer). `onTick` runs about every 250 ms (e.g. to sample RSS).
 */
export async function openLoop(
  sender: EventSender,
  events: TestEvent[],
  ratePerSecond: number,
  onTick: () => void = () => {},
): Promise<OpenLoopRun> {
  const answers: Promise<number>[] = [];
  let inFlight = 0;
  let peakInFlight = 0;
  let lastTick = 0;
  const started = performance.now();
  let last = started;
  while (answers.length < events.length) {
    const now = performance.now();
    const due = Math.min(events.length, Math.floor(((now - started) * ratePerSecond) / 1000) + 1);
    while (answers.length < due) {
      inFlight++;
      peakInFlight = Math.max(peakInFlight, inFlight);
      answers.push(sender.send(events[answers.length]!).finally(() => inFlight--));
      last = performance.now();
    }
    if (now - lastTick >= 250) {
      lastTick = now;
      onTick();
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(answers);
  const achievedRate = events.length > 1 ? ((events.length - 1) * 1000) / (last - started) : Number.NaN;
  return { started, achievedRate, peakInFlight };
}

/** Waits until the sink has every expected id, or until nothing new arrived for `stallMs`. */
export async function awaitDeliveries(sink: LatencySink, expected: number, stallMs = 20_000): Promise<void> {
  let seen = sink.received;
  let movedAt = performance.now();
  while (sink.received < expected) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (sink.received !== seen) {
      seen = sink.received;
      movedAt = performance.now();
    } else if (performance.now() - movedAt > stallMs) return;
  }
}

export interface PathFigures {
  /** Matching events that reached the sink, of `expected`. */
  delivered: number;
  expected: number;
  /** Delivered events per second, first send to last arrival. */
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Latency (sink arrival − send) of every matching event, and delivered throughput. */
export function pathFigures(
  sender: EventSender,
  sink: LatencySink,
  events: TestEvent[],
  started: number,
): PathFigures {
  const latencies: number[] = [];
  for (const e of events) {
    if (!e.match) continue;
    const arrived = sink.arrivedAt(e.id);
    const sent = sender.sentAt.get(e.id);
    if (arrived !== undefined && sent !== undefined) latencies.push(arrived - sent);
  }
  latencies.sort((a, b) => a - b);
  const expected = events.filter((e) => e.match).length;
  const lastArrival = Math.max(0, ...events.map((e) => sink.arrivedAt(e.id) ?? 0));
  return {
    delivered: latencies.length,
    expected,
    throughput: (latencies.length * 1000) / (lastArrival - started),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies.at(-1) ?? Number.NaN,
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
