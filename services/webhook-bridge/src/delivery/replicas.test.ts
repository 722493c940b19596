import { connectBus, jetstreamManager, streamNames, type NatsConnection } from "@switchboard/bus";
import { loadConfig } from "@switchboard/config";
import { createLogger } from "@switchboard/logger";
import { createTestDatabase, startNatsServer, waitFor } from "@switchboard/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disableSubscription } from "../subscriptions/index.js";
import { webhookStackEnv } from "../../test/support/webhook-bridge-stack.js";
import {
  FAST_ENGINE,
  startDeliveryStack,
  type BridgeReplica,
  type DeliveryStack,
} from "../../test/support/delivery/delivery-stack.js";
import { planCreatedInfo } from "../../test/support/delivery/event-publisher.js";
import { WebhookReceiver } from "../../test/support/delivery/webhook-receiver.js";

const logger = createLogger({ level: "silent" });

describe("bridge replicas", () => {
  let stack: DeliveryStack;
  let second: BridgeReplica;
  let receiver: WebhookReceiver;
  let nc: NatsConnection;

  beforeAll(async () => {
    const nats = await startNatsServer();
    const database = await createTestDatabase("sb_delivery");
    const config = loadConfig(webhookStackEnv(nats.url, database.url));
    stack = await startDeliveryStack(
      { nats, database, config },
      { ...FAST_ENGINE, resyncMs: 500, retentionSweepMs: 200 },
    );
    second = await stack.replica();
    receiver = await new WebhookReceiver().start();
    nc = await connectBus({ servers: nats.url, name: "replicas-test", logger });
  });
  afterAll(async () => {
    await nc?.close();
    await receiver?.stop();
    await stack?.close();
  });

  const first = () => stack.bridge;
  const api = () => first().stack.client("cmA");

  it("a subscription saved on one replica is pulled by every replica, and they share its deliveries", async () => {
    receiver.respond = () => ({ status: 200, delayMs: 20 });
    const res = await api().post("/v1/orgs/org-a/webhooks", {
      url: receiver.url("/shared"),
      eventTypes: ["planCreated"],
    });
    expect(res.status).toBe(201);
    await waitFor(() => second.engine.runningLoops() === 1, { what: "the other replica's loop" });
    for (let n = 0; n < 100; n++) await stack.events.publish("org-a", "planCreated", planCreatedInfo(n));
    await waitFor(() => receiver.successesById("/shared").size === 100, {
      timeoutMs: 30_000,
      what: "100 deliveries",
    });
    expect(first().engine.counts()["delivery:delivered"]).toBeGreaterThan(0);
    expect(second.engine.counts()["delivery:delivered"]).toBeGreaterThan(0);

    const { id } = res.body as { id: string };
    await api().patch(`/v1/orgs/org-a/webhooks/${id}`, { enabled: false });
    await waitFor(() => second.engine.runningLoops() === 0 && first().engine.runningLoops() === 0, {
      what: "every replica to stop pulling",
    });
    expect((await api().delete(`/v1/orgs/org-a/webhooks/${id}`)).status).toBe(204);
    const jsm = await jetstreamManager(nc);
    const consumers = await jsm.consumers.list(streamNames(stack.config.streamPrefix).events).next();
    expect(consumers.map((c) => c.name)).not.toContain(id);
  });

  it("a change no notification announced is picked up by the periodic resync", async () => {
    const res = await api().post("/v1/orgs/org-a/webhooks", {
      url: receiver.url("/quiet"),
      eventTypes: ["planCreated"],
    });
    const { id } = res.body as { id: string };
    await waitFor(() => second.engine.runningLoops() === 1, { what: "the loops" });
    // As a replica whose notification was lost would leave it: the row changed, nobody told.
    expect(await disableSubscription(first().stack.db, id, "changed behind the bridge's back")).toBe(true);
    await waitFor(() => first().engine.runningLoops() === 0 && second.engine.runningLoops() === 0, {
      what: "the resync to stop the loops",
    });
  });

  it("deletes delivery attempts older than the retention period", async () => {
    const db = first().stack.db;
    const row = (daysAgo: number) => ({
      org_id: "org-a",
      subscription_id: "wh_retention",
      message_id: `m-${daysAgo}`,
      event_type: "planCreated",
      attempt: 1,
      kind: "delivery" as const,
      outcome: "delivered" as const,
      duration_ms: 3,
      created_at: sql<Date>`now() - make_interval(days => ${daysAgo})`,
    });
    await db
      .withSchema("webhook_bridge")
      .insertInto("delivery_attempts")
      .values([row(40), row(31), row(2)])
      .execute();
    const left = async () =>
      (
        await db
          .withSchema("webhook_bridge")
          .selectFrom("delivery_attempts")
          .select("message_id")
          .where("subscription_id", "=", "wh_retention")
          .execute()
      ).map((r) => r.message_id);
    // The default retention is 30 days.
    await waitFor(async () => (await left()).length === 1, { what: "the sweep" });
    expect(await left()).toEqual(["m-2"]);
  });
});
