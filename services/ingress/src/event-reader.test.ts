import { jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connectBus, provisionStreams, publish, type NatsConnection } from "@switchboard/bus";
import { createLogger } from "@switchboard/logger";
import { startNatsServer, type NatsServer } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollEvents, type EventReaderParts, type PollRequest } from "./event-reader.js";
import { MAX_SCANNED } from "./event-scan.js";

const logger = createLogger({ level: "silent" });
const NS = "rdr";

/** The reader against a real nats-server (2.9 here): one filter subject, ephemeral pull consumers. */
describe("reading an org's events after a cursor", () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let parts: EventReaderParts;

  const poll = (request: Partial<PollRequest> & { orgId: string }) =>
    pollEvents(parts, {
      after: 0,
      types: [],
      limit: 100,
      waitMs: 0,
      signal: new AbortController().signal,
      ...request,
    });
  const emit = (org: string, type: string, n: number) =>
    publish(
      jetstream(nc),
      `${NS}.events.${org}.${type}`,
      { orgId: org, type, n },
      { msgId: `${org}-${type}-${n}` },
    );

  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connectBus({ servers: server.url, name: "reader-test", logger });
    await provisionStreams(nc, { namespace: NS, prefix: "R_", replicas: 1, duplicateWindowMs: 120_000 });
    jsm = await jetstreamManager(nc);
    parts = {
      js: jetstream(nc),
      jsm: async () => jsm,
      namespace: NS,
      eventsStream: "R_EVENTS",
      isUp: () => true,
      logger,
    };
    // seq 1..6: a, b, a, a, b, a
    await emit("a", "planCreated", 1);
    await emit("b", "planCreated", 2);
    await emit("a", "formSubmitted", 3);
    await emit("a", "planCreated", 4);
    await emit("b", "formSubmitted", 5);
    await emit("a", "workQueueItemCreated", 6);
  });
  afterAll(async () => {
    await nc?.close();
    await server?.close();
  });

  it("pages through one org's events by stream sequence, and never shows another org's", async () => {
    const first = await poll({ orgId: "a", limit: 2 });
    expect(first.events.map((e) => e.seq)).toEqual([1, 3]);
    expect(first.events[0]!.event).toEqual({ orgId: "a", type: "planCreated", n: 1 });
    expect(first.next).toBe(3);
    const second = await poll({ orgId: "a", after: first.next, limit: 2 });
    expect(second.events.map((e) => e.seq)).toEqual([4, 6]);
    const third = await poll({ orgId: "a", after: second.next });
    expect(third).toEqual({ events: [], next: 6 });
    const b = await poll({ orgId: "b" });
    expect(b.events.map((e) => (e.event as { orgId: string }).orgId)).toEqual(["b", "b"]);
    expect(b.next).toBe(6); // everything seen: the stream's end, so the next poll skips a's events
  });

  it("filters by one type on the server and by several here, and moves the cursor past what did not match", async () => {
    const one = await poll({ orgId: "a", types: ["planCreated"] });
    expect(one.events.map((e) => e.seq)).toEqual([1, 4]);
    expect(one.next).toBe(6);
    const two = await poll({ orgId: "a", types: ["formSubmitted", "workQueueItemCreated"] });
    expect(two.events.map((e) => e.seq)).toEqual([3, 6]);
    const none = await poll({ orgId: "a", types: ["formAssigned"] });
    expect(none).toEqual({ events: [], next: 6 });
    const noneOfTwo = await poll({ orgId: "a", types: ["formAssigned", "custom"], after: 2 });
    expect(noneOfTwo).toEqual({ events: [], next: 6 });
  });

  it("a cursor past the end stays where it is", async () => {
    expect(await poll({ orgId: "a", after: 1_000 })).toEqual({ events: [], next: 1_000 });
  });

  it("waits for the next event when there is none yet, and returns it", async () => {
    const waiting = poll({ orgId: "c", waitMs: 20_000 });
    await new Promise((r) => setTimeout(r, 300));
    await emit("b", "planCreated", 7); // another org's: does not wake the poll
    await emit("c", "planCreated", 8);
    const woken = await waiting;
    expect(woken.events.map((e) => e.event)).toEqual([{ orgId: "c", type: "planCreated", n: 8 }]);
    expect(woken.next).toBe(woken.events[0]!.seq);
  });

  it("a wait shorter than the client's one-second floor ends on time, empty", async () => {
    const info = await jsm.streams.info("R_EVENTS");
    expect(await poll({ orgId: "d", waitMs: 200 })).toEqual({ events: [], next: info.state.last_seq });
  });

  it("an abort ends a wait early", async () => {
    const controller = new AbortController();
    const waiting = poll({ orgId: "e", waitMs: 20_000, signal: controller.signal });
    await new Promise((r) => setTimeout(r, 200));
    controller.abort();
    expect((await waiting).events).toEqual([]);
  });

  it("stops after a bounded scan of events that do not match, with the cursor where it stopped", async () => {
    const info = await jsm.streams.info("R_EVENTS");
    const start = info.state.last_seq;
    const js = jetstream(nc);
    await Promise.all(
      Array.from({ length: MAX_SCANNED + 10 }, (_, i) =>
        publish(js, `${NS}.events.f.planCreated`, { i }, { msgId: `f-${i}` }),
      ),
    );
    const scanned = await poll({ orgId: "f", after: start, types: ["formSubmitted", "formAssigned"] });
    expect(scanned).toEqual({ events: [], next: start + MAX_SCANNED });
    const rest = await poll({ orgId: "f", after: scanned.next, types: ["formSubmitted", "formAssigned"] });
    expect(rest).toEqual({ events: [], next: start + MAX_SCANNED + 10 });
  });

  it("leaves no consumer behind", async () => {
    await poll({ orgId: "a" });
    await poll({ orgId: "a", types: ["x", "y"], waitMs: 100 });
    const consumers = [];
    for await (const c of jsm.consumers.list("R_EVENTS")) consumers.push(c.name);
    expect(consumers).toEqual([]);
  });
});
