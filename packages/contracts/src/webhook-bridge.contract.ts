import { defineContract } from "./contract.js";

/** `<ns>.cmd.webhook-bridge.*`: the dead-letter desk's retry of a webhook that ran out of attempts. */
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
});
