import { describe, expect, it } from "vitest";
import { payloadSchemaAjv } from "@switchboard/events";
import { checkPayloadSchema } from "./payload-schema-check.js";
import { PAYLOAD_SCHEMA_FORMATS, PAYLOAD_SCHEMA_KEYWORDS } from "./payload-schema-keywords.js";

const string = { type: "string" };
/** Schemas the compiler takes, and schemas it refuses, each kind of refusal at least once. */
const ACCEPTED: object[] = [
  {
    type: "object",
    properties: {
      bookingId: string,
      slot: {
        type: "object",
        properties: { start: { ...string, format: "date-time" } },
        required: ["start"],
      },
    },
    required: ["bookingId", "slot"],
  },
  {
    type: "object",
    properties: { a: { type: ["string", "number"], minimum: 1, anyOf: [{ type: "integer" }] } },
  },
  { type: "object", properties: { a: { ...string, nullable: true } } },
  { type: "object", properties: { a: { type: "number", anyOf: [{ minimum: 1 }], not: { maximum: 5 } } } },
  { type: "object", $defs: { unused: { minimum: 1 } } },
  { type: "object", properties: { a: { $ref: "#/$defs/n" } }, $defs: { n: { type: "number", minimum: 1 } } },
  { type: "object", dependentSchemas: { a: { minProperties: 1 } } },
  { type: "object", required: ["a"], allOf: [{ properties: { a: {} } }] },
  { type: "object", properties: { a: { type: "number", allOf: [{ type: "integer" }] } } },
  { type: "object", patternProperties: { "^x-": string }, additionalProperties: false },
  { type: "object", properties: { a: { type: "array", prefixItems: [string], minItems: 1, items: false } } },
  { type: "object", properties: { a: { type: "string", if: { minLength: 1 }, then: { maxLength: 5 } } } },
  {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    title: "t",
    examples: [{ $ref: "x" }],
  },
];
const REFUSED: [object, string, string][] = [
  [{ properties: { a: string } }, "/properties", '"properties" is for object values: say "type": "object"'],
  [
    { type: "object", properties: { a: { minLength: 1 } } },
    "/properties/a/minLength",
    '"minLength" is for string values',
  ],
  [{ type: "object", requred: ["a"] }, "/requred", 'unknown keyword "requred" (did you mean "required"?)'],
  [
    { type: "object", properties: { a: { type: "strin" } } },
    "/properties/a/type",
    'type must be one of "array"',
  ],
  [
    { type: "object", properties: { a: { ...string, format: "date-tme" } } },
    "/properties/a/format",
    'unknown format "date-tme" (did you mean "date-time"?)',
  ],
  [
    { type: "object", properties: { a: { ...string, pattern: "(?=a)b" } } },
    "/properties/a/pattern",
    "linear-time engine",
  ],
  [
    { type: "object", patternProperties: { "(a)\\1": string } },
    "/patternProperties/(a)\\1",
    "is not supported",
  ],
  [
    { type: "object", properties: { a: { $ref: "#/$defs/nope" } } },
    "/properties/a/$ref",
    '$ref "#/$defs/nope" points at nothing',
  ],
  [
    { type: "object", properties: { a: { $ref: "https://example.com/s" } } },
    "/properties/a/$ref",
    "points outside this schema",
  ],
  [{ type: "array", items: [string] }, "/items", "items must be an object or boolean"],
  [
    { type: "object", required: ["a"] },
    "/required/0",
    'required property "a" is not declared in "properties"',
  ],
  [{ type: "array", prefixItems: [string] }, "/prefixItems", '"prefixItems" lists 1 item(s)'],
  [
    { type: "object", properties: { a: { ...string, allOf: [{ type: "number" }] } } },
    "/properties/a/allOf/0/type",
    'type "number" is not possible here',
  ],
  [
    { type: "object", properties: { a: { type: "integer", allOf: [{ type: "number" }] } } },
    "/properties/a/allOf/0/type",
    "says integer",
  ],
  [
    { type: "object", properties: { a: { type: "string", if: string } } },
    "/properties/a/if",
    '"if" without "then" or "else"',
  ],
  [
    { type: "object", properties: { a: { $ref: "#/$defs/n" } }, $defs: { n: { minimum: 1 } } },
    "/$defs/n/minimum",
    '"minimum" is for number values',
  ],
  // The type "if" tests for says nothing of the value "then" is about.
  [
    { type: "object", properties: { a: { if: string, then: { minLength: 1 } } } },
    "/properties/a/then/minLength",
    '"minLength" is for string values',
  ],
  [{ type: "object", minProperties: "x" }, "/minProperties", "minProperties must be an integer"],
];

function compiles(schema: object): boolean {
  const ajv = payloadSchemaAjv();
  try {
    ajv.compile(schema);
    return true;
  } catch {
    return false;
  } finally {
    ajv.removeSchema(schema);
  }
}

describe("checkPayloadSchema", () => {
  it("finds no problem in a schema the server's compiler takes", () => {
    for (const schema of ACCEPTED) {
      expect(compiles(schema), JSON.stringify(schema)).toBe(true);
      expect(checkPayloadSchema(schema), JSON.stringify(schema)).toEqual([]);
    }
  });

  it("finds what the compiler refuses, where it is, in words", () => {
    for (const [schema, path, message] of REFUSED) {
      expect(compiles(schema), JSON.stringify(schema)).toBe(false);
      const problems = checkPayloadSchema(schema);
      expect(problems.find((p) => p.path === path)?.message ?? problems, JSON.stringify(schema)).toContain(
        message,
      );
    }
  });

  it("says every problem at once, and refuses what is not an object", () => {
    const problems = checkPayloadSchema({
      type: "object",
      requred: [],
      properties: { a: { minLength: 1, formt: "x" } },
    });
    expect(problems.map((p) => p.path)).toEqual([
      "/requred",
      "/properties/a/minLength",
      "/properties/a/formt",
    ]);
    expect(checkPayloadSchema([])).toEqual([
      { path: "", message: "a payload's JSON Schema must be a JSON object", code: "schema" },
    ]);
  });

  it("knows the keywords and formats the payload validator knows, each for the types it knows", () => {
    const ajv = payloadSchemaAjv() as unknown as {
      RULES: {
        keywords: Record<string, unknown>;
        all: Record<string, true | { definition: { type: string[] } }>;
      };
      formats: Record<string, unknown>;
    };
    const known = Object.fromEntries(
      Object.keys(ajv.RULES.keywords).map((k) => {
        const rule = ajv.RULES.all[k];
        return [k, typeof rule === "object" ? rule.definition.type : []];
      }),
    );
    expect(PAYLOAD_SCHEMA_KEYWORDS).toEqual(known);
    expect([...PAYLOAD_SCHEMA_FORMATS].sort()).toEqual(Object.keys(ajv.formats).sort());
  });
});
