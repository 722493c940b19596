import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  startNatsServer,
  waitFor,
  type NatsServer,
  type TestDatabase,
} from "@switchboard/testing";
import { expectExactlyOnce, flowReader, waitUntilSettled, type FlowReader } from "./support/fault-checks.js";
import { postBookings } from "./support/fault-load.js";
import { seedFaultFlow } from "./support/fault-seed.js";
import { FaultSink } from "./support/fault-sink.js";
import { startFaultStack, type FaultService, type FaultStack } from "./support/fault-stack.js";

const BOOKINGS = Number(process.env.FAULT_BOOKINGS ?? 5_000);
const WEBHOOK_CONCURRENCY = 8;
const KILL_ORDER: FaultService[] = ["ingress", "rules-engine", "forms", "plans", "tenancy", "webhook-bridge"];

/** Every service of the path in a process of its own, each SIGKILLed and restarted while bookings flow. */
describe("kill -9 of each service in turn while bookings flow", () => {
  let nats: NatsServer;
  let database: TestDatabase;
  let stack: FaultStack;
  let reader: FlowReader;
  let key: string;
  const sink = new FaultSink();

  beforeAll(async () => {
    [nats, database] = await Promise.all([startNatsServer(), createTestDatabase("sb_faults")]);
    const sinkUrl = await sink.start();
    stack = await startFaultStack(nats.url, database.url, {
      SWITCHBOARD_RULES_CONCURRENCY: "16",
      SWITCHBOARD_WEBHOOK_CONCURRENCY: String(WEBHOOK_CONCURRENCY),
    });
    ({ key } = await seedFaultFlow(stack, sinkUrl));
    reader = flowReader(database.url);
  }, 300_000);

  afterAll(async () => {
    await reader?.close();
    await stack?.close();
    await sink.stop();
    await database?.drop();
    await nats?.close();
  });

  it("every accepted booking has one assignment, one run and one webhook", async () => {
    const started = Date.now();
    const load = postBookings({ url: stack.url("ingress"), key, count: BOOKINGS, concurrency: 16 });
    await waitFor(() => load.accepted() >= BOOKINGS / 20, {
      timeoutMs: 120_000,
      intervalMs: 100,
      what: "the bookings to flow",
    });
    for (const service of KILL_ORDER) {
      const before = await reader.counts();
      await stack.kill(service);
      await new Promise((r) => setTimeout(r, 500));
      await stack.start(service);
      console.log(
        `killed ${service} at ${load.accepted()} accepted, ${before.assignments} assigned, ${sink.total} at the sink`,
      );
    }
    const result = await load.done;
    expect(result.refused).toEqual({});
    expect(result.accepted).toHaveLength(BOOKINGS);
    const counts = await waitUntilSettled(reader, sink, BOOKINGS, 300_000);
    console.log(
      `accepted ${result.accepted.length} (client retries ${result.retries}); assignments ${counts.assignments}; ` +
        `sink ${sink.total} requests, ${sink.distinct} webhook-ids, ${sink.duplicates} duplicates; ` +
        `${Math.round((Date.now() - started) / 1000)} s`,
    );
    await expectExactlyOnce(reader, sink, result.accepted);
    // Only a bridge killed between a POST and its log entry sends a webhook twice: at most what it had in flight.
    expect(sink.duplicates).toBeLessThanOrEqual(WEBHOOK_CONCURRENCY);
    for (const service of KILL_ORDER) expect(stack.alive(service)).toBe(true);
  }, 900_000);
});
