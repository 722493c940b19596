import { jetstreamManager, type JetStreamClient } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publish } from "./publisher.js";
import { openTestBus, type TestBus } from "../test/support/test-bus.js";

describe("publish", () => {
  let bus: TestBus;
  let nc: NatsConnection;
  let js: JetStreamClient;
  beforeAll(async () => {
    bus = await openTestBus("publish-test", { namespace: "pub", prefix: "", duplicateWindowMs: 120_000 });
    ({ nc, js } = bus);
  });
  afterAll(() => bus?.close());

  it("stores a repeated msgId once and reports the repeat as a duplicate", async () => {
    const subject = "pub.events.acme.planCreated";
    const first = await publish(js, subject, { planId: "p1" }, { msgId: "dup-1" });
    const second = await publish(js, subject, { planId: "p1" }, { msgId: "dup-1" });
    expect(first).toEqual({ stream: "EVENTS", seq: expect.any(Number), duplicate: false });
    expect(second).toEqual({ stream: "EVENTS", seq: first.seq, duplicate: true });
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info("EVENTS")).state.messages).toBe(1);
  });

  it("JSON-encodes values, sends bytes as they are, and keeps headers and the msg id", async () => {
    const subject = "pub.inbound.acme.scheduling.slotBooked";
    const a = await publish(
      js,
      subject,
      { status: "booked" },
      { msgId: "enc-1", headers: { "Trace-Id": "t1" } },
    );
    const raw = new TextEncoder().encode("not json");
    const b = await publish(js, subject, raw, { msgId: "enc-2", expectStream: "INBOUND" });
    const jsm = await jetstreamManager(nc);
    const storedA = await jsm.streams.getMessage("INBOUND", { seq: a.seq });
    const storedB = await jsm.streams.getMessage("INBOUND", { seq: b.seq });
    expect(storedA?.json()).toEqual({ status: "booked" });
    expect(storedA?.header.get("Trace-Id")).toBe("t1");
    expect(storedA?.header.get("Nats-Msg-Id")).toBe("enc-1");
    expect(storedB?.string()).toBe("not json");
  });

  it("fails with a stable code when the subject lands in another stream than expected", async () => {
    await expect(
      publish(js, "pub.events.acme.x", {}, { msgId: "exp-1", expectStream: "INBOUND" }),
    ).rejects.toMatchObject({ code: "SB_ERR_CONFIG" });
  });

  it("fails as unavailable when no stream takes the subject", async () => {
    await expect(
      publish(js, "nowhere.events.acme.x", {}, { msgId: "none-1", timeoutMs: 2_000 }),
    ).rejects.toMatchObject({
      code: "SB_ERR_UNAVAILABLE",
    });
  });

  it("refuses a publish without a msg id", async () => {
    await expect(publish(js, "pub.events.acme.x", {}, { msgId: "" })).rejects.toMatchObject({
      code: "SB_ERR_VALIDATION",
    });
  });
});
