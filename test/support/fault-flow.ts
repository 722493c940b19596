import { afterAll, beforeAll, expect } from "vitest";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { createTestDatabase, startNatsServer, waitFor, type NatsServer } from "@switchboard/testing";
import {
  expectExactlyOnce,
  flowReader,
  waitUntilSettled,
  type FlowCounts,
  type FlowReader,
} from "./fault-checks.js";
import { postBookings, type Load, type LoadResult } from "./fault-load.js";
import { EMITTED, ORG, seedFaultFlow } from "./fault-seed.js";
import { FaultSink } from "./fault-sink.js";
import { FAULT_SERVICES, startFaultStack, type FaultStack } from "./fault-stack.js";

export interface FaultFlow {
  nats: NatsServer;
  stack: FaultStack;
  reader: FlowReader;
  sink: FaultSink;
  key: string;
  /** Bookings accepted by the runs so far, in this suite. */
  accepted: number[];
}

export interface FaultFlowOptions {
  env?: Record<string, string>;
  /** The database the stack uses; default a fresh one on the shared test server. */
  database?: () => Promise<{ url: string; close(): Promise<void> }>;
}

const freshDatabase = async () => {
  const database = await createTestDatabase("sb_faults");
  return { url: database.url, close: database.drop };
};

/** The whole path, seeded, for the suite: set up before its tests and torn down after them. */
export function useFaultFlow(options: FaultFlowOptions = {}): FaultFlow {
  const flow = { accepted: [] } as unknown as FaultFlow;
  let database: { url: string; close(): Promise<void> } | undefined;
  beforeAll(async () => {
    flow.sink = new FaultSink();
    const sinkUrl = await flow.sink.start();
    [flow.nats, database] = await Promise.all([
      startNatsServer({ auth: true }),
      (options.database ?? freshDatabase)(),
    ]);
    flow.stack = await startFaultStack(flow.nats, database.url, options.env);
    ({ key: flow.key } = await seedFaultFlow(flow.stack, sinkUrl));
    flow.reader = flowReader(database.url);
  }, 300_000);
  afterAll(async () => {
    await flow.reader?.close();
    await flow.stack?.close();
    await flow.sink?.stop();
    await database?.close();
    await flow.nats?.close();
  });
  return flow;
}

export interface FlowRun {
  result: LoadResult;
  counts: FlowCounts;
}

/**
 * Posts `count` bookings (16 at a time), runs `fault` once `faultAt` of them were accepted, waits
 * until the flow settled and checks that every accepted booking had its effects exactly once.
 */
export async function runFlowWithFault(
  flow: FaultFlow,
  count: number,
  faultAt: number,
  fault: (load: Load) => Promise<void>,
): Promise<FlowRun> {
  const started = Date.now();
  const first = flow.accepted.length === 0 ? 0 : Math.max(...flow.accepted) + 1;
  const load = postBookings({ url: flow.stack.url("ingress"), key: flow.key, count, concurrency: 16, first });
  await waitFor(() => load.accepted() >= count * faultAt, {
    timeoutMs: 180_000,
    intervalMs: 50,
    what: `${faultAt * 100}% of the bookings to be accepted`,
  });
  await fault(load);
  expectAllAlive(flow.stack);
  const result = await load.done;
  expect(result.refused).toEqual([]);
  flow.accepted.push(...result.accepted);
  const counts = await waitUntilSettled(flow.reader, flow.sink, flow.accepted.length, 300_000);
  const { sink } = flow;
  console.log(
    `accepted ${result.accepted.length} of ${count} (client retries by status ${JSON.stringify(result.retried)}); ` +
      `in all ${flow.accepted.length} accepted, assignments ${counts.assignments}; runs ${counts.runs}; ` +
      `emitted ${counts.emitted}, published ${counts.emittedPublished}; sink ${sink.total} requests, ` +
      `${sink.distinct} webhook-ids, ${sink.duplicates} duplicates; ${Math.round((Date.now() - started) / 1000)} s`,
  );
  await expectExactlyOnce(flow.reader, sink, flow.accepted, () => storedEmitted(flow.nats));
  return { result, counts };
}

/** How many of the rule's emitted events EVENTS holds (the broker drops a republish it has seen). */
async function storedEmitted(nats: NatsServer): Promise<number> {
  const nc = await connect(nats.connectOptions());
  try {
    const subject = `switchboard.events.${ORG}.${EMITTED}`;
    const info = await (await jetstreamManager(nc)).streams.info("EVENTS", { subjects_filter: subject });
    return info.state.subjects?.[subject] ?? 0;
  } finally {
    await nc.close();
  }
}

/** Every service process is still running; a dead one's last words say why it is not. */
export function expectAllAlive(stack: FaultStack): void {
  for (const service of FAULT_SERVICES) {
    if (!stack.alive(service))
      throw new Error(`${service} is not running:\n${stack.output(service).slice(-3_000)}`);
  }
}
