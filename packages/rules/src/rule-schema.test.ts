import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, test } from "vitest";
import { ACTION_SPECS, ACTION_TYPES, INBOUND_DEFINITION_SCHEMA, RULE_SCHEMA } from "./index.js";
import { EXAMPLE_RULE, SLOT_BOOKED_SCHEMA } from "./test-fixtures.js";

const readSchema = (name: string): object =>
  JSON.parse(readFileSync(new URL(`../../../schemas/${name}`, import.meta.url), "utf8")) as object;

function fileValidator(name: string) {
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(readSchema(name));
}

describe("the published schema files", () => {
  test("are what the package validates with", () => {
    expect(readSchema("rule.schema.json")).toEqual(JSON.parse(JSON.stringify(RULE_SCHEMA)));
    expect(readSchema("inbound-definition.schema.json")).toEqual(
      JSON.parse(JSON.stringify(INBOUND_DEFINITION_SCHEMA)),
    );
  });

  test("rule.schema.json accepts the ARCHITECTURE example and checks actions on its own, for editors and offline tools", () => {
    const validate = fileValidator("rule.schema.json");
    expect(validate(EXAMPLE_RULE)).toBe(true);
    const typo = structuredClone(EXAMPLE_RULE) as unknown as {
      actions: Record<string, Record<string, unknown>>[];
    };
    typo.actions[0]!["assignForm"]!["formNme"] = "x";
    expect(validate(typo)).toBe(false);
    expect(validate({ ...EXAMPLE_RULE, actions: [{ assignForm: { formName: "F", userId: "u" } }] })).toBe(
      false,
    );
    expect(validate({ ...EXAMPLE_RULE, actions: [{ sendSms: {} }] })).toBe(false);
    expect(validate({ ...EXAMPLE_RULE, extra: 1 })).toBe(false);
  });

  test("rule.schema.json describes every action type and parameter", () => {
    const defs = (RULE_SCHEMA as { $defs: Record<string, { properties?: object }> }).$defs;
    for (const type of ACTION_TYPES)
      expect(Object.keys(defs[type]!.properties!)).toEqual(Object.keys(ACTION_SPECS[type].params));
  });

  test("inbound-definition.schema.json accepts a definition and refuses a key without mode key", () => {
    const validate = fileValidator("inbound-definition.schema.json");
    expect(validate({ description: "Slot booked", schema: SLOT_BOOKED_SCHEMA })).toBe(true);
    expect(validate({ schema: SLOT_BOOKED_SCHEMA, dedup: { mode: "key", key: { var: "bookingId" } } })).toBe(
      true,
    );
    expect(validate({ schema: SLOT_BOOKED_SCHEMA, dedup: { mode: "id", key: { var: "bookingId" } } })).toBe(
      false,
    );
    expect(validate({ schema: SLOT_BOOKED_SCHEMA, dedup: { mode: "key" } })).toBe(false);
    expect(validate({ schema: SLOT_BOOKED_SCHEMA, descripton: "typo" })).toBe(false);
  });
});
