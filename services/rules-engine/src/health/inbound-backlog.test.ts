import {
  connectBus,
  ensureConsumer,
  jetstream,
  provisionStreams,
  type JetStreamClient,
  type NatsConnection,
} from "@switchboard/bus";
import { createLogger } from "@switchboard/logger";
import { startNatsServer, type NatsServer } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inboundBacklog } from "./inbound-backlog.js";

const logger = createLogger({ level: "silent" });
const STREAM = "IB_INBOUND";
const DURABLE = "rules-engine";

/** No engine runs here: what the durable has not settled is the backlog, counted per event. */
describe("inboundBacklog", () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let js: JetStreamClient;

  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connectBus({ servers: server.url, name: "inbound-backlog-test", logger });
    js = jetstream(nc);
    await provisionStreams(nc, { namespace: "ib", prefix: "IB_", replicas: 1, duplicateWindowMs: 60_000 });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.close();
  });

  const backlog = () => inboundBacklog(nc, { namespace: "ib", stream: STREAM, durable: DURABLE });

  it("is unknown before the engine made its consumer", async () => {
    const counts = await backlog()("hrh", ["lab.result"]);
    expect([...counts]).toEqual([["lab.result", null]]);
  });

  it("counts each event's messages past the ack floor, none of another org's, and leaves no consumer behind", async () => {
    await ensureConsumer(nc, STREAM, { durable: DURABLE, filterSubject: "ib.inbound.>" });
    for (const n of [1, 2, 3]) await js.publish("ib.inbound.hrh.lab.result", JSON.stringify({ n }));
    await js.publish("ib.inbound.hrh.lab.order", "{}");
    await js.publish("ib.inbound.other.lab.result", "{}");
    const counts = await backlog()("hrh", ["lab.result", "lab.order", "lab.quiet"]);
    expect(Object.fromEntries(counts)).toEqual({ "lab.result": 3, "lab.order": 1, "lab.quiet": 0 });

    // The engine takes the first two messages and acks them: the floor moves past them.
    const consumer = await js.consumers.get(STREAM, DURABLE);
    for await (const m of await consumer.fetch({ max_messages: 2, expires: 1_000 })) m.ack();
    await nc.flush();
    const after = await backlog()("hrh", ["lab.result", "lab.order"]);
    expect(Object.fromEntries(after)).toEqual({ "lab.result": 1, "lab.order": 1 });

    const jsm = await js.jetstreamManager();
    const names: string[] = [];
    for await (const c of jsm.consumers.list(STREAM)) names.push(c.name);
    expect(names).toEqual([DURABLE]);
  });

  it("is 0 for every event at once when the durable holds nothing", async () => {
    const consumer = await js.consumers.get(STREAM, DURABLE);
    for await (const m of await consumer.fetch({ max_messages: 10, expires: 1_000 })) m.ack();
    await nc.flush();
    const counts = await backlog()("hrh", ["lab.result", "lab.order"]);
    expect(Object.fromEntries(counts)).toEqual({ "lab.result": 0, "lab.order": 0 });
  });
});
