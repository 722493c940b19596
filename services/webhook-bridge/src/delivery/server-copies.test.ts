import { connectBus, streamNames, type NatsConnection } from "@switchboard/bus";
import { loadConfig } from "@switchboard/config";
import { createLogger } from "@switchboard/logger";
import { randomUUID } from "node:crypto";
import {
  createTestDatabase,
  sendsDeliveredMessagesAgain,
  startNatsServer,
  waitFor,
} from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookStackEnv } from "../../test/support/webhook-bridge-stack.js";
import { startDeliveryStack, type DeliveryStack } from "../../test/support/delivery/delivery-stack.js";
import { formSubmittedInfo } from "../../test/support/delivery/event-publisher.js";
import { WebhookReceiver } from "../../test/support/delivery/webhook-receiver.js";

const RETRY_AFTER_MS = 4_000;

/**
 * nats-server before 2.10.14 sends the message a consumer delivered last again, as a first delivery,
 * when a message due for redelivery finds only pull requests without a subscriber (nats-server
 * #5305): here, one left by a bridge replica that stopped. The replica taking over must see in the
 * delivery log that the endpoint already has that event.
 */
describe("an event the server hands out again after it was delivered", () => {
  let stack: DeliveryStack;
  let receiver: WebhookReceiver;
  let nc: NatsConnection;

  beforeAll(async () => {
    const nats = await startNatsServer();
    const database = await createTestDatabase("sb_delivery");
    const config = loadConfig(webhookStackEnv(nats.url, database.url));
    stack = await startDeliveryStack({ nats, database, config });
    receiver = await new WebhookReceiver().start();
    nc = await connectBus({
      servers: nats.url,
      name: "abandoned-pull",
      logger: createLogger({ level: "silent" }),
    });
  });
  afterAll(async () => {
    await nc?.close();
    await receiver?.stop();
    await stack?.close();
  });

  it("is not POSTed again by the replica that takes over", async () => {
    const res = await stack.bridge.stack.client("cmA").post("/v1/orgs/org-a/webhooks", {
      url: receiver.url("/copies"),
      eventTypes: ["formSubmitted"],
      retrySchedule: [0, RETRY_AFTER_MS],
    });
    expect(res.status).toBe(201);
    const subscriptionId = (res.body as { id: string }).id;
    // The first event is answered 503 once, so it waits for its retry; the second is delivered.
    receiver.respond = ({ body, seen }) => ({
      status: body.includes('"FailsOnce"') && seen === 0 ? 503 : 200,
    });
    const failing = await stack.events.publish("org-a", "formSubmitted", formSubmittedInfo(1, "FailsOnce"));
    const delivered = await stack.events.publish("org-a", "formSubmitted", formSubmittedInfo(2));
    await waitFor(() => receiver.successesById("/copies").get(delivered.messageId) === 1);
    await waitFor(() => receiver.requests.some((r) => r.webhookId === failing.messageId));

    // The replica stops before the retry is due, and a pull request without a subscriber is left.
    await stack.bridge.stop();
    const stream = streamNames(stack.config.streamPrefix).events;
    const inbox = `_INBOX.${randomUUID()}`;
    const sub = nc.subscribe(inbox);
    nc.publish(`$JS.API.CONSUMER.MSG.NEXT.${stream}.${subscriptionId}`, JSON.stringify({ batch: 1 }), {
      reply: inbox,
    });
    await nc.flush();
    sub.unsubscribe();
    await nc.flush();
    await new Promise((r) => setTimeout(r, RETRY_AFTER_MS + 500));

    const next = await stack.replica();
    await waitFor(() => receiver.successesById("/copies").get(failing.messageId) === 1, {
      timeoutMs: 30_000,
      what: "the failed event's retry",
    });
    await new Promise((r) => setTimeout(r, 1_000)); // room for a late copy to show
    expect(receiver.successesById("/copies").get(delivered.messageId)).toBe(1);
    expect(receiver.to("/copies")).toHaveLength(3); // 503 and 200 for the first event, 200 for the second
    if (sendsDeliveredMessagesAgain(nc.info?.version)) {
      // This server did send the delivered event again: the new replica found it in the log.
      expect(next.engine.counts()["delivery:skipped"]).toBe(1);
    }
  });
});
