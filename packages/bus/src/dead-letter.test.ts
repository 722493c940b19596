import { jetstreamManager, type JetStreamClient, type JsMsg } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureConsumer } from "./consumer-provisioner.js";
import { deadLetterSubject, detailsJson, publishDeadLetter, singleLine } from "./dead-letter.js";
import { publish } from "./publisher.js";
import { openTestBus, type TestBus } from "../test/support/test-bus.js";

describe("dead-letter subject and headers", () => {
  it("files a dead letter under the org of the original subject, or _unknown", () => {
    expect(deadLetterSubject("sb", "sb.inbound.acme.scheduling.slotBooked", "rules")).toBe(
      "sb.dlq.acme.rules",
    );
    expect(deadLetterSubject("sb", "sb.events.hrh.planCreated", "webhook")).toBe("sb.dlq.hrh.webhook");
    expect(deadLetterSubject("sb", "sb.inbound", "rules")).toBe("sb.dlq._unknown.rules");
    expect(deadLetterSubject("sb", "sb.inbound.a b.x", "rules")).toBe("sb.dlq._unknown.rules");
    expect(deadLetterSubject("sb", "sb.inbound.acme.x", "bad.stage>")).toBe("sb.dlq.acme.bad_stage_");
  });

  it("keeps a reason on one line and cuts a long one", () => {
    expect(singleLine("line one\r\nline two\ttabbed", 100)).toBe("line one line two tabbed");
    const long = singleLine("x".repeat(5000), 1024);
    expect(long).toHaveLength(1024);
    expect(long.endsWith("…")).toBe(true);
  });

  it("keeps details valid JSON even when they are cut", () => {
    expect(JSON.parse(detailsJson({ errors: [{ path: "/a" }] }))).toEqual({ errors: [{ path: "/a" }] });
    const big = JSON.parse(detailsJson({ blob: "y".repeat(20_000) }));
    expect(big.truncated).toBe(true);
    expect(typeof big.excerpt).toBe("string");
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => JSON.parse(detailsJson(circular))).not.toThrow();
  });
});

describe("publishDeadLetter", () => {
  let bus: TestBus;
  let nc: NatsConnection;
  let js: JetStreamClient;
  beforeAll(async () => {
    bus = await openTestBus("dlq-test", { namespace: "dl", prefix: "DL_", duplicateWindowMs: 60_000 });
    ({ nc, js } = bus);
    await ensureConsumer(nc, "DL_INBOUND", { durable: "worker" });
  });
  afterAll(() => bus?.close());

  async function nextMessage(): Promise<JsMsg> {
    const consumer = await js.consumers.get("DL_INBOUND", "worker");
    const m = await consumer.next({ expires: 5_000 });
    if (m === null) throw new Error("no message");
    return m;
  }

  it("stores one entry when the same message is dead-lettered twice (a crash before the ack)", async () => {
    await publish(js, "dl.inbound.acme.x", { a: 1 }, { msgId: "orig-1", expectStream: "DL_INBOUND" });
    const m = await nextMessage();
    const letter = { stage: "rules", reason: "boom", consumer: "worker" };
    const first = await publishDeadLetter(js, { namespace: "dl", stream: "DL_DLQ" }, m, letter);
    const again = await publishDeadLetter(js, { namespace: "dl", stream: "DL_DLQ" }, m, letter);
    m.ack();
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ seq: first.seq, duplicate: true });
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info("DL_DLQ")).state.messages).toBe(1);
    // The original's broker-steering headers (here its stream expectation) are not replayed:
    // only the DLQ publish's own ones are there.
    const stored = await jsm.streams.getMessage("DL_DLQ", { seq: first.seq });
    expect(stored!.header.values("Nats-Expected-Stream")).toEqual(["DL_DLQ"]);
    expect(stored!.header.get("Nats-Msg-Id")).toBe(`dlq:DL_INBOUND:${m.seq}`);
    expect(stored!.header.get("Switchboard-Origin-Msg-Id")).toBe("orig-1");
  });
});
