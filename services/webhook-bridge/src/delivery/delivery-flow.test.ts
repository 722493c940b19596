import { loadConfig } from "@switchboard/config";
import { createTestDatabase, startNatsServer, waitFor } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookStackEnv } from "../../test/support/webhook-bridge-stack.js";
import {
  FAST_ENGINE,
  startDeliveryStack,
  type DeliveryStack,
} from "../../test/support/delivery/delivery-stack.js";
import { planCreatedInfo } from "../../test/support/delivery/event-publisher.js";
import { WebhookReceiver } from "../../test/support/delivery/webhook-receiver.js";

describe("delivery flow: ordered, in parallel, rate-limited", () => {
  let stack: DeliveryStack;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    const nats = await startNatsServer();
    const database = await createTestDatabase("sb_delivery");
    const config = loadConfig(webhookStackEnv(nats.url, database.url));
    // A short ack wait, shorter than the rate-limit waits below: the loop must keep those messages.
    stack = await startDeliveryStack({ nats, database, config }, { ...FAST_ENGINE, ackWaitMs: 2_000 });
    await stack.replica(); // a second bridge pulling the same consumers
    receiver = await new WebhookReceiver().start();
  });
  afterAll(async () => {
    await receiver?.stop();
    await stack?.close();
  });

  it("delivers in stream order with one request in flight across replicas, a retry included", async () => {
    const res = await stack.bridge.stack.client("cmA").post("/v1/orgs/org-a/webhooks", {
      url: receiver.url("/ordered"),
      eventTypes: ["planCreated"],
      ordered: true,
      retrySchedule: [0, 200, 200, 200],
    });
    expect(res.status).toBe(201);
    const published: string[] = [];
    let failedOnce = false;
    receiver.respond = ({ webhookId }) => {
      // The fifth event fails once: the sixth must still wait for it.
      if (webhookId === published[4] && !failedOnce) {
        failedOnce = true;
        return { status: 503, delayMs: 20 };
      }
      return { status: 200, delayMs: 20 };
    };
    for (let n = 0; n < 30; n++)
      published.push((await stack.events.publish("org-a", "planCreated", planCreatedInfo(n))).messageId);

    await waitFor(() => receiver.successesById("/ordered").size >= 30, {
      timeoutMs: 30_000,
      what: "30 deliveries",
    });
    const requests = receiver.to("/ordered");
    expect(requests.filter((r) => r.status === 200).map((r) => r.webhookId)).toEqual(published);
    expect(requests.map((r) => r.webhookId)).toEqual([...published.slice(0, 5), ...published.slice(4)]);
    expect(Math.max(...requests.map((r) => r.concurrent))).toBe(1);
  });

  it("a subscription that is not ordered has several in flight at once", async () => {
    receiver.respond = () => ({ status: 200, delayMs: 100 });
    const res = await stack.bridge.stack.client("cmA").post("/v1/orgs/org-a/webhooks", {
      url: receiver.url("/parallel"),
      eventTypes: ["planCreated"],
    });
    expect(res.status).toBe(201);
    for (let n = 0; n < 20; n++) await stack.events.publish("org-a", "planCreated", planCreatedInfo(n));
    await waitFor(() => receiver.to("/parallel").length >= 20, { timeoutMs: 30_000, what: "20 deliveries" });
    const most = Math.max(...receiver.to("/parallel").map((r) => r.concurrent));
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(stack.config.webhookConcurrency);
  });
  it("a rate-limited subscription waits for its tokens, holding its messages without losing their ack", async () => {
    receiver.respond = () => ({ status: 200 });
    const res = await stack.bridge.stack.client("cmA").post("/v1/orgs/org-a/webhooks", {
      url: receiver.url("/limited"),
      eventTypes: ["planCreated"],
      rateLimitPerSecond: 1,
    });
    expect(res.status).toBe(201);
    const published = [];
    for (let n = 0; n < 6; n++)
      published.push((await stack.events.publish("org-a", "planCreated", planCreatedInfo(n))).messageId);
    await waitFor(() => receiver.successesById("/limited").size >= 6, {
      timeoutMs: 30_000,
      what: "6 deliveries",
    });
    await new Promise((r) => setTimeout(r, 2_500)); // past the ack wait: a message whose ack lapsed would come again
    const requests = receiver.to("/limited");
    // Each replica keeps its own bucket (1 per second, a burst of 1) and holds up to 4 messages waiting.
    expect(requests).toHaveLength(6);
    expect(new Set(requests.map((r) => r.webhookId))).toEqual(new Set(published));
  });
});
