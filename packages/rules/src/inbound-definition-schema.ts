import { INBOUND_NAME_PATTERN } from "./rule-schema.js";

/**
 * An inbound event definition (the PUT body, or a file for the CLI), as
 * schemas/inbound-definition.schema.json publishes it (a test keeps the file equal to this).
 */
export const INBOUND_DEFINITION_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://switchboard.example/schemas/inbound-definition.schema.json",
  title: "Switchboard inbound event definition",
  description:
    "Declares an inbound event: the JSON Schema its payload must satisfy, and how duplicates are recognised.",
  type: "object",
  properties: {
    $schema: { description: "The schema this file follows, for editors; ignored.", type: "string" },
    name: {
      description:
        "The inbound event name (dotted tokens). Optional in the PUT body, where the URL names it; a file names it here.",
      type: "string",
      maxLength: 128,
      pattern: INBOUND_NAME_PATTERN,
    },
    description: { type: "string", maxLength: 1000 },
    schema: { description: "A JSON Schema (draft 2020-12) of the payload.", type: "object" },
    dedup: {
      description:
        'When a message counts as already processed. "id-or-payload" (default): the same message id, or the same data under another id. "id": the same message id only. "key": the same value of the JSON Logic expression `key` (a null value falls back to the message id).',
      type: "object",
      properties: {
        mode: { enum: ["id-or-payload", "id", "key"] },
        key: { description: 'JSON Logic over the payload; only with mode "key".' },
      },
      required: ["mode"],
      additionalProperties: false,
      if: { properties: { mode: { const: "key" } } },
      then: { required: ["key"] },
      else: { not: { required: ["key"] } },
    },
  },
  required: ["schema"],
  additionalProperties: false,
} as const;
