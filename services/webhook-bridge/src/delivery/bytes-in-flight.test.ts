import { loadConfig } from "@switchboard/config";
import { createTestDatabase, startNatsServer, waitFor } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookStackEnv } from "../../test/support/webhook-bridge-stack.js";
import { startDeliveryStack, type DeliveryStack } from "../../test/support/delivery/delivery-stack.js";
import { planCreatedInfo } from "../../test/support/delivery/event-publisher.js";
import { WebhookReceiver } from "../../test/support/delivery/webhook-receiver.js";

const MiB = 1_048_576;
/** The bound under test: three of the bus's largest messages (nats-server's max_payload, 1 MiB). */
const BYTES_IN_FLIGHT = 3 * MiB;
const EVENT_PADDING = 600_000;
const EVENTS = 12;

describe("a subscription's payload bytes in flight", () => {
  let stack: DeliveryStack;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    const nats = await startNatsServer();
    const database = await createTestDatabase("sb_delivery_bytes");
    const config = loadConfig(
      webhookStackEnv(nats.url, database.url, {
        SWITCHBOARD_WEBHOOK_BYTES_IN_FLIGHT: String(BYTES_IN_FLIGHT),
      }),
    );
    stack = await startDeliveryStack({ nats, database, config });
    receiver = await new WebhookReceiver().start();
  });
  afterAll(async () => {
    await receiver?.stop();
    await stack?.close();
  });

  it("holds no more than SWITCHBOARD_WEBHOOK_BYTES_IN_FLIGHT of large events at once, though more could run, and delivers each once", async () => {
    expect(stack.config.webhookConcurrency).toBeGreaterThanOrEqual(EVENTS);
    receiver.respond = () => ({ status: 200, delayMs: 150 });
    const res = await stack.bridge.stack.client("cmA").post("/v1/orgs/org-a/webhooks", {
      url: receiver.url("/large"),
      eventTypes: ["planCreated"],
    });
    expect(res.status).toBe(201);
    // Published at once, so that every event waits in the stream and only the bound holds them back.
    const sent = await Promise.all(
      Array.from({ length: EVENTS }, (_, n) =>
        stack.events.publish("org-a", "planCreated", {
          ...planCreatedInfo(n),
          notes: "x".repeat(EVENT_PADDING),
        }),
      ),
    );
    const published = new Set(sent.map((e) => e.messageId));
    await waitFor(() => receiver.successesById("/large").size >= EVENTS, {
      timeoutMs: 30_000,
      what: `${EVENTS} deliveries`,
    });
    const requests = receiver.to("/large");
    expect(new Set(requests.map((r) => r.webhookId))).toEqual(published);
    expect(requests).toHaveLength(EVENTS);
    // Five such events fit in the bound; a pull counts each at 1 MiB until it arrives, so four is
    // the most a loop reaches, and it still sends more than one at a time.
    const most = Math.max(...requests.map((r) => r.concurrent));
    expect(most * EVENT_PADDING).toBeLessThanOrEqual(BYTES_IN_FLIGHT);
    expect(most).toBeGreaterThan(1);
  });
});
