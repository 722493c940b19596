import { runStandalone } from "@switchboard/runtime";
import { createWebhookBridgeService } from "./webhook-bridge.service.js";

await runStandalone("webhook-bridge", (ctx) => createWebhookBridgeService(ctx));
