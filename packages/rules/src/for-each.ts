/**
 * `forEach`: one message, many effects ("the EMR sends the day's list of patients; each one's health
 * worker gets a task"). The inner action runs once per element of a list in the payload; inside it,
 * and in `key`, `var` reads `item` (the element), `index` and `payload` (what the rule reads).
 * Each element's effect is exactly once because its idempotency key ends with the element's key.
 */
export const FOR_EACH = "forEach";

/** The most elements one forEach may act on, and the limit when a rule gives none. */
export const MAX_FOR_EACH = 1000;
export const DEFAULT_FOR_EACH_MAX = 100;
/** An element's key goes into idempotency keys: short and never empty. */
export const MAX_ELEMENT_KEY = 200;

export interface ForEachDocument {
  in: unknown;
  key: unknown;
  max?: number;
  do: Record<string, unknown>;
}

/** The data an element's expressions read. */
export function elementData(item: unknown, index: number, payload: unknown): Record<string, unknown> {
  return { item, index, payload };
}

export const FOR_EACH_SCHEMA = {
  description:
    'Runs one action for each element of a list in the payload, e.g. {"forEach": {"in": {"var": "patients"}, "key": {"var": "item.patientId"}, "max": 500, "do": {"createWorkQueueItem": {…}}}}. In key and do, var reads item (the element), index and payload. Each element\'s effect happens once (its key is part of the idempotency key); a list longer than max fails the run.',
  type: "object",
  properties: {
    in: { description: "The list: a JSON Logic expression over the payload, usually a var." },
    key: {
      description:
        "Each element's key, unique in the list (a string or a number): an expression over item, index and payload.",
    },
    max: {
      description: `The most elements a message may act on (default ${DEFAULT_FOR_EACH_MAX}, at most ${MAX_FOR_EACH}); a longer list fails the run, and a schema that allows more (maxItems) is refused when saved.`,
      type: "integer",
      minimum: 1,
      maximum: MAX_FOR_EACH,
    },
    do: { $ref: "#/$defs/action" },
  },
  required: ["in", "key", "do"],
  additionalProperties: false,
} as const;
