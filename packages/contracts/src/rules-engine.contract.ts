import { defineContract } from "./contract.js";
import { OBJECT, TIMESTAMP } from "./fragments.js";

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
});
