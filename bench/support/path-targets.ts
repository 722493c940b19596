import {
  awaitDeliveries,
  EventSender,
  pathFigures,
  testEvent,
  type EventEndpoint,
  type PathFigures,
  type TestEvent,
} from "./event-load.js";
import { startLatencySink, type LatencySink } from "./latency-sink.js";
import { startNodeRed } from "./node-red.js";
import { databaseBackendPids, startPathStack, type Persisted } from "./switchboard-services.js";
import { ratioOf, type BenchResult } from "../types.js";

/** One system under test, HTTP in → filter → webhook out, with its sink and its processes. */
export interface PathTarget {
  label: string;
  endpoint: EventEndpoint;
  sink: LatencySink;
  /** The processes that do the work, by name, for RSS. */
  pids: Record<string, number>;
  /** Switchboard only: what its streams and tables hold. */
  persisted?: () => Promise<Persisted>;
  /** Switchboard only: the PostgreSQL backends serving its database, for their CPU time. */
  storeBackends?: () => Promise<number[]>;
}

// Switchboard's webhook body is the emitted event (the id is in its info); Node-RED posts the payload.
const idOf = (body: any): unknown => body?.info?.id ?? body?.id;
const SOCKETS = 256;

type StartedTarget = Omit<PathTarget, "sink"> & { stop(): Promise<void> };

/** Switchboard, one process per service, on a nats-server and a PostgreSQL database of its own. */
async function startSwitchboard(sinkUrl: string): Promise<StartedTarget> {
  const stack = await startPathStack(sinkUrl);
  return {
    label: "Switchboard",
    endpoint: {
      url: stack.eventsUrl,
      headers: stack.headers,
      headersOf: (e) => ({ "idempotency-key": e.id }),
      okStatus: 202,
    },
    pids: stack.pids,
    persisted: () => stack.persisted(),
    storeBackends: () => databaseBackendPids(stack.databaseUrl),
    stop: () => stack.close(),
  };
}

/** Node-RED 4, headless, its own process, posting to a sink like Switchboard's. */
async function startNodeRedTarget(sinkUrl: string): Promise<StartedTarget> {
  const red = await startNodeRed(sinkUrl);
  return {
    label: "Node-RED",
    endpoint: { url: red.eventsUrl, headers: {}, okStatus: 200 },
    pids: { "node-red": red.pid },
    stop: () => red.stop(),
  };
}

async function withTarget<T>(
  start: (sinkUrl: string) => Promise<StartedTarget>,
  fn: (target: PathTarget) => Promise<T>,
): Promise<T> {
  const sink = await startLatencySink(idOf);
  try {
    const started = await start(sink.url);
    try {
      return await fn({ ...started, sink });
    } finally {
      await started.stop();
    }
  } finally {
    await sink.close();
  }
}

/** Runs `measure` on Switchboard, then on Node-RED, each on a fresh sink; stops everything it started. */
export async function measureBoth<T>(
  measure: (target: PathTarget) => Promise<T>,
): Promise<{ switchboard: T; nodeRed: T }> {
  const switchboard = await withTarget(startSwitchboard, measure);
  const nodeRed = await withTarget(startNodeRedTarget, measure);
  return { switchboard, nodeRed };
}

/** A figure of Switchboard beside the same figure of Node-RED. */
export function versusNodeRed(
  figure: Pick<BenchResult, "group" | "name" | "unit" | "better"> & Partial<BenchResult>,
  value: number,
  baseline: number,
): BenchResult {
  return { ...figure, value, baselineName: "Node-RED", baseline, ratio: ratioOf(value, baseline) };
}

export interface PathRun {
  figures: PathFigures;
  /** The same figures for the warm-up events, sent with the same load right after the start. */
  warmFigures: PathFigures;
  /** Every event sent, warm-up included. */
  sent: TestEvent[];
  /** Answers other than the endpoint's "taken" status, by status. */
  refused: Record<string, number>;
  /** Matching events that reached the sink other than exactly once, and other events that reached it. */
  notExactlyOnce: number;
  wrongArrivals: number;
  /** Returned by `load`, e.g. the achieved rate. */
  loadInfo: unknown;
}

/**
 * Sends `warmup` events (connections, JIT, caches; their figures are kept apart), waits for them
 * at the sink, then sends `count` events with `load` and waits for every matching one to arrive.
 */
export async function runPath(
  target: PathTarget,
  opts: { run: string; warmup: number; count: number },
  load: (
    sender: EventSender,
    events: TestEvent[],
    phase: "warm-up" | "measured",
  ) => Promise<{ started: number; info?: unknown }>,
): Promise<PathRun> {
  const sender = new EventSender(target.endpoint, SOCKETS);
  try {
    const warm = Array.from({ length: opts.warmup }, (_, i) => testEvent(`${opts.run}-warm`, i));
    const warmStarted = (await load(sender, warm, "warm-up")).started;
    const warmMatches = warm.filter((e) => e.match).length;
    await awaitDeliveries(target.sink, warmMatches);
    const events = Array.from({ length: opts.count }, (_, i) => testEvent(opts.run, i));
    const { started, info } = await load(sender, events, "measured");
    await awaitDeliveries(target.sink, warmMatches + events.filter((e) => e.match).length);
    const sent = [...warm, ...events];
    const repeated = new Set(target.sink.repeated());
    return {
      figures: pathFigures(sender, target.sink, events, started),
      warmFigures: pathFigures(sender, target.sink, warm, warmStarted),
      sent,
      refused: sender.refused(),
      notExactlyOnce: sent.filter(
        (e) => e.match && (target.sink.arrivedAt(e.id) === undefined || repeated.has(e.id)),
      ).length,
      wrongArrivals: sent.filter((e) => !e.match && target.sink.arrivedAt(e.id) !== undefined).length,
      loadInfo: info,
    };
  } finally {
    sender.close();
  }
}

/** A short account of what a run delivered, for a figure's note. */
export function deliveryNote(run: PathRun): string {
  const f = run.figures;
  const refused = Object.entries(run.refused)
    .map(([status, n]) => `${n}× HTTP ${status}`)
    .join(", ");
  return [
    `${f.delivered}/${f.expected} matching events at the sink`,
    `max ${f.maxMs.toFixed(0)} ms`,
    run.notExactlyOnce === 0 ? "each exactly once" : `${run.notExactlyOnce} not exactly once`,
    run.wrongArrivals === 0 ? "no filtered-out event arrived" : `${run.wrongArrivals} filtered-out arrived`,
    refused === "" ? "" : `refused: ${refused}`,
  ]
    .filter((s) => s !== "")
    .join("; ");
}
