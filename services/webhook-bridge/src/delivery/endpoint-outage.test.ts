import { loadConfig } from "@switchboard/config";
import { createTestDatabase, startNatsServer, waitFor } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookStackEnv } from "../../test/support/webhook-bridge-stack.js";
import { startDeliveryStack, type DeliveryStack } from "../../test/support/delivery/delivery-stack.js";
import { formSubmittedInfo } from "../../test/support/delivery/event-publisher.js";
import { verifies, WebhookReceiver } from "../../test/support/delivery/webhook-receiver.js";

const EVENTS = 1_000;

describe("an endpoint that is down", () => {
  let stack: DeliveryStack;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    const nats = await startNatsServer();
    const database = await createTestDatabase("sb_delivery");
    const config = loadConfig(webhookStackEnv(nats.url, database.url));
    stack = await startDeliveryStack({ nats, database, config });
    receiver = await new WebhookReceiver().start();
  });
  afterAll(async () => {
    await receiver?.stop();
    await stack?.close();
  });

  it(`receives all ${EVENTS} events published while its port was closed once it is back, each webhook-id acted on once`, async () => {
    const res = await stack.bridge.stack.client("cmA").post("/v1/orgs/org-a/webhooks", {
      url: receiver.url("/outage"),
      eventTypes: ["formSubmitted"],
      // Long enough to outlast the outage for the events in flight when it starts.
      retrySchedule: [0, 200, 500, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000],
    });
    expect(res.status).toBe(201);
    const { secret } = res.body as { secret: string };

    await receiver.stop();
    const published = new Set<string>();
    for (let n = 0; n < EVENTS; n++) {
      published.add((await stack.events.publish("org-a", "formSubmitted", formSubmittedInfo(n))).messageId);
    }
    await new Promise((r) => setTimeout(r, 2_000));
    expect(receiver.requests).toHaveLength(0);

    await receiver.start(); // the same port
    await waitFor(() => receiver.successesById("/outage").size >= EVENTS, {
      timeoutMs: 60_000,
      what: `${EVENTS} distinct webhook-ids answered 2xx`,
    });
    await new Promise((r) => setTimeout(r, 1_000)); // room for a late duplicate to show

    const successes = receiver.successesById("/outage");
    expect(new Set(successes.keys())).toEqual(published);
    expect([...successes.values()].every((count) => count === 1)).toBe(true);
    const requests = receiver.to("/outage");
    // Only non-2xx answers may be followed by another request with the same id; none were given here.
    expect(requests).toHaveLength(EVENTS);
    expect(requests.every((r) => verifies(secret, r))).toBe(true);

    const failed = await stack.bridge.stack.db
      .withSchema("webhook_bridge")
      .selectFrom("delivery_attempts")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("outcome", "=", "retry")
      .executeTakeFirstOrThrow();
    expect(Number(failed.n)).toBeGreaterThan(0); // the outage was seen, and logged
  });
});
