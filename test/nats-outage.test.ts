import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@switchboard/testing";
import { setUpOrg } from "./support/org.js";
import { readStream, streamCount } from "./support/stream-reader.js";
import { startStack, type TestStack } from "./support/switchboard.js";

describe("NATS outage: writes are accepted and their events go out once NATS is back", () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("accepts writes with nats-server stopped and publishes each event exactly once after restart", async () => {
    const { app } = await setUpOrg(stack.url, "acme");
    const plan = await app.post("/v1/orgs/acme/plans", { templateName: "care", userId: "u-1" });
    expect(plan.status).toBe(201);
    await waitFor(async () => (await streamCount(stack.nats, "EVENTS")) === 1, {
      what: "the first planCreated",
    });

    await stack.nats.stop();
    const writes = [];
    for (let i = 0; i < 10; i++)
      writes.push(await app.post("/v1/orgs/acme/plans", { templateName: "care", userId: `u-down-${i}` }));
    const item = await app.post("/v1/orgs/acme/work-queues/triage/items", {
      planId: plan.body.id,
      priority: 1,
    });
    const moved = await app.patch(`/v1/orgs/acme/work-queue-items/${item.body.id}`, { status: "done" });
    expect(writes.map((w) => w.status)).toEqual(Array(10).fill(201));
    expect([item.status, moved.status]).toEqual([201, 200]);

    await stack.nats.restart();
    const expected = 1 + 10 + 2;
    await waitFor(async () => (await streamCount(stack.nats, "EVENTS")) >= expected, {
      timeoutMs: 30_000,
      what: "events after restart",
    });
    // Give a late duplicate the chance to show up before counting.
    await new Promise((r) => setTimeout(r, 1_000));
    const events = await readStream(stack.nats, "EVENTS");
    expect(events).toHaveLength(expected);
    expect(new Set(events.map((e) => e.data.messageId)).size).toBe(expected);
    expect(events.every((e) => e.msgId === e.data.messageId)).toBe(true);
    const users = events
      .filter((e) => e.subject === "switchboard.events.acme.planCreated")
      .map((e) => e.data.info.userId);
    expect(users.sort()).toEqual(["u-1", ...Array.from({ length: 10 }, (_, i) => `u-down-${i}`)].sort());
    expect(events.map((e) => e.subject)).toContain("switchboard.events.acme.workQueueItemStatusUpdated");
  });
});
