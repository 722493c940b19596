import { defineContract } from "./contract.js";
import { NOTHING, OBJECT, TIMESTAMP } from "./fragments.js";
import { INBOUND_EVENT_HEALTH } from "./integration-health.js";

/** `<ns>.cmd.rules-engine.*`: the declared payload schemas belong to the rules engine. */
export const rulesEngineContract = defineContract("rules-engine", {
  /** The declaration of one inbound event of the request's org (enough to validate a payload), or null. */
  getDefinition: {
    params: {
      type: "object",
      properties: { name: { type: "string", minLength: 1, maxLength: 128 } },
      required: ["name"],
      additionalProperties: false,
    },
    result: {
      anyOf: [
        {
          type: "object",
          properties: {
            name: { type: "string" },
            version: { type: "integer", minimum: 1 },
            schema: OBJECT,
            updatedAt: TIMESTAMP,
          },
          required: ["name", "version", "schema", "updatedAt"],
          additionalProperties: false,
        },
        { type: "null" },
      ],
    },
  },
  /** The health of each inbound event the request's org declares, by name. */
  inboundHealth: {
    params: NOTHING,
    result: {
      type: "object",
      properties: { inboundEvents: { type: "array", items: INBOUND_EVENT_HEALTH } },
      required: ["inboundEvents"],
      additionalProperties: false,
    },
  },
});
