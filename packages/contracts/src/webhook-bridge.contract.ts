import { defineContract } from "./contract.js";
import { NOTHING } from "./fragments.js";
import { WEBHOOK_HEALTH } from "./integration-health.js";

/**
 * `<ns>.cmd.webhook-bridge.*`: the dead-letter desk's retry of a webhook that ran out of attempts,
 * and the subscriptions' health for the org's health route.
 */
export const webhookBridgeContract = defineContract("webhook-bridge", {
  /** Delivers one past event again to one subscription. */
  replay: {
    params: {
      type: "object",
      properties: {
        subscriptionId: { type: "string", minLength: 1, maxLength: 100 },
        messageId: { type: "string", minLength: 1, maxLength: 200 },
      },
      required: ["subscriptionId", "messageId"],
      additionalProperties: false,
    },
    result: {
      type: "object",
      properties: { replayed: { type: "integer", minimum: 0 } },
      required: ["replayed"],
      additionalProperties: false,
    },
  },
  /** The health of each of the request's org's subscriptions, in their list order. */
  webhookHealth: {
    params: NOTHING,
    result: {
      type: "object",
      properties: { webhooks: { type: "array", items: WEBHOOK_HEALTH } },
      required: ["webhooks"],
      additionalProperties: false,
    },
  },
});
