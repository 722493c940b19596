import { loadConfig } from "@switchboard/config";
import { createTestDatabase, startNatsServer } from "@switchboard/testing";
import { afterAll, beforeAll } from "vitest";
import { webhookStackEnv } from "../webhook-bridge-stack.js";
import { startDeliveryStack, type BridgeReplica, type DeliveryStack } from "./delivery-stack.js";
import { WebhookReceiver } from "./webhook-receiver.js";

export interface DeliverySuite {
  stack: DeliveryStack;
  receiver: WebhookReceiver;
}

/**
 * A delivery stack with the default settings on a nats-server and a database of its own, and a
 * receiver: made before the suite's tests, closed after them. Read the fields inside the tests.
 */
export function deliverySuite(): DeliverySuite {
  const suite = {} as DeliverySuite;
  beforeAll(async () => {
    const nats = await startNatsServer();
    const database = await createTestDatabase("sb_delivery");
    suite.stack = await startDeliveryStack({
      nats,
      database,
      config: loadConfig(webhookStackEnv(nats.url, database.url)),
    });
    suite.receiver = await new WebhookReceiver().start();
  });
  afterAll(async () => {
    await suite.receiver?.stop();
    await suite.stack?.close();
  });
  return suite;
}

/** A subscription's attempts as the log holds them, oldest first. */
export function loggedAttempts(replica: BridgeReplica, subscriptionId: string) {
  return replica.stack.db
    .withSchema("webhook_bridge")
    .selectFrom("delivery_attempts")
    .selectAll()
    .where("subscription_id", "=", subscriptionId)
    .orderBy("id")
    .execute();
}
