import { loadConfig } from "@switchboard/config";
import { openDatabase } from "@switchboard/db";
import { createLogger } from "@switchboard/logger";
import { startServices, type RunningWorkers } from "@switchboard/runtime";
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
import { createWebhookBridgeService, type WebhookBridgeService } from "../webhook-bridge.service.js";
import { createDeliveryEngine } from "./delivery-engine.js";

describe("a delivery replica with no HTTP server", () => {
  let stack: DeliveryStack;
  let receiver: WebhookReceiver;
  let replica: RunningWorkers;

  beforeAll(async () => {
    const nats = await startNatsServer();
    const database = await createTestDatabase("sb_delivery_replica");
    const config = loadConfig(webhookStackEnv(nats.url, database.url));
    stack = await startDeliveryStack({ nats, database, config });
    receiver = await new WebhookReceiver().start();
    const res = await stack.bridge.stack.client("cmA").post("/v1/orgs/org-a/webhooks", {
      url: receiver.url("/replica"),
      eventTypes: ["planCreated"],
    });
    expect(res.status).toBe(201);
    // Only the replica delivers from here on.
    await stack.bridge.stop();
    replica = await startServices({
      config,
      logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
      natsServers: nats.url,
      database: await openDatabase({ url: database.url }),
      factories: [
        (ctx) =>
          createWebhookBridgeService(ctx, {
            delivery: (parts) =>
              createDeliveryEngine(parts.ctx, parts, { keyring: parts.keyring, ...FAST_ENGINE }),
          }),
      ],
      http: false,
    });
  });
  afterAll(async () => {
    await replica?.stop();
    await receiver?.stop();
    await stack?.close();
  });

  it("runs the service with no routes mounted and no port, its delivery side built at creation", () => {
    expect("url" in replica).toBe(false);
    const bridge = replica.services.find((s) => s.name === "webhook-bridge") as WebhookBridgeService;
    expect(bridge.routes).toBeTypeOf("function"); // there to mount, not mounted
    expect(bridge.delivery).toBeDefined();
  });

  it("consumes the org's events and delivers them to the subscription", async () => {
    receiver.respond = () => ({ status: 200 });
    const published: string[] = [];
    for (let n = 0; n < 3; n++)
      published.push((await stack.events.publish("org-a", "planCreated", planCreatedInfo(n))).messageId);
    await waitFor(() => receiver.successesById("/replica").size >= 3, {
      timeoutMs: 30_000,
      what: "3 deliveries",
    });
    expect([...receiver.successesById("/replica").keys()].sort()).toEqual([...published].sort());
  });
});
