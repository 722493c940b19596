/**
 * The webhook bridge with this delivery engine in a process of its own, for tests that kill it
 * with SIGKILL mid-delivery. Reads the usual environment (NATS_URL, DATABASE_URL,
 * SWITCHBOARD_SECRETS_KEYRING, …), DELIVERY_ACK_WAIT_MS and DELIVERY_PULL_EXPIRES_MS. The scale
 * bench runs its replicas this way too.
 */
import { runStandalone } from "@switchboard/runtime";
import { createWebhookBridgeService } from "../../../src/webhook-bridge.service.js";
import { createDeliveryEngine } from "../../../src/delivery/delivery-engine.js";

const ackWaitMs = Number(process.env.DELIVERY_ACK_WAIT_MS ?? 10_000);
const pullExpiresMs = Number(process.env.DELIVERY_PULL_EXPIRES_MS ?? 1_000);

await runStandalone("webhook-bridge", (ctx) =>
  createWebhookBridgeService(ctx, {
    delivery: (parts) =>
      createDeliveryEngine(parts.ctx, parts, { keyring: parts.keyring, ackWaitMs, pullExpiresMs }),
  }),
);
