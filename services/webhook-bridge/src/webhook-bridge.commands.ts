import { webhookBridgeContract, type WebhookHealth } from "@switchboard/contracts";
import { commandMeta, implement, type ImplementedCommands } from "@switchboard/runtime";
import type { Keyring } from "@switchboard/secrets";
import type { Kysely } from "kysely";
import type { DeliveryControl } from "./contracts.js";
import { loadSubscription } from "./subscriptions/index.js";
import type { WebhookBridgeDB } from "./webhook-bridge.tables.js";

/**
 * `<ns>.cmd.webhook-bridge.*`: `replay` delivers one past event again to one subscription, for the
 * dead-letter desk's retry of a webhook that ran out of attempts; `webhookHealth` answers the org's
 * subscriptions' health for its health route.
 */
export function webhookBridgeCommands(
  db: Kysely<WebhookBridgeDB>,
  keyring: Keyring,
  delivery: () => DeliveryControl,
  health: (orgId: string) => Promise<WebhookHealth[]>,
): ImplementedCommands {
  return implement(webhookBridgeContract, {
    async replay(req) {
      const { orgId } = commandMeta(req);
      const { subscriptionId, messageId } = req.params;
      const subscription = await loadSubscription(db, keyring, orgId, subscriptionId);
      return delivery().replay(subscription, { messageId });
    },
    async webhookHealth(req) {
      return { webhooks: await health(commandMeta(req).orgId) };
    },
  });
}
