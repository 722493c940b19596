import type { CommandHandler } from "@switchboard/bus";
import { compileParamsValidator } from "@switchboard/events";
import { commandMeta } from "@switchboard/runtime";
import type { Keyring } from "@switchboard/secrets";
import type { Kysely } from "kysely";
import type { DeliveryControl } from "./contracts.js";
import { loadSubscription } from "./subscriptions/index.js";
import type { WebhookBridgeDB } from "./webhook-bridge.tables.js";

const replayParams = compileParamsValidator<{ subscriptionId: string; messageId: string }>(
  {
    type: "object",
    properties: {
      subscriptionId: { type: "string", minLength: 1, maxLength: 100 },
      messageId: { type: "string", minLength: 1, maxLength: 200 },
    },
    required: ["subscriptionId", "messageId"],
    additionalProperties: false,
  },
  "replay params",
);

/**
 * `<ns>.cmd.webhook-bridge.replay`: delivers one past event again to one subscription, for the
 * dead-letter desk's retry of a webhook that ran out of attempts.
 */
export function webhookBridgeCommands(
  db: Kysely<WebhookBridgeDB>,
  keyring: Keyring,
  delivery: () => DeliveryControl,
): Record<string, CommandHandler> {
  return {
    async replay(req) {
      const { orgId } = commandMeta(req);
      const { subscriptionId, messageId } = replayParams(req.params);
      const subscription = await loadSubscription(db, keyring, orgId, subscriptionId);
      return delivery().replay(subscription, { messageId });
    },
  };
}
