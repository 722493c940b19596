import { fullFormats } from "ajv-formats/dist/formats.js";

/**
 * The keywords the payload schemas' validator knows (`payloadSchemaAjv` of the events package:
 * draft 2020-12 with ajv-formats), each with the data types it applies to (empty: any). In strict
 * mode ajv refuses any other keyword, and a keyword for one type where the schema does not say that
 * type. A test keeps this table equal to what that validator reports, so the two cannot drift.
 */
export const PAYLOAD_SCHEMA_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  ...Object.fromEntries(
    [
      "$async",
      "$schema",
      "$id",
      "$defs",
      "$vocabulary",
      "definitions",
      "title",
      "description",
      "default",
      "deprecated",
      "readOnly",
      "writeOnly",
      "examples",
      "contentMediaType",
      "contentEncoding",
      "contentSchema",
      "$dynamicAnchor",
      "$dynamicRef",
      "$recursiveAnchor",
      "$recursiveRef",
      "$comment",
      "id",
      "$ref",
      "type",
      "nullable",
      "const",
      "enum",
      "not",
      "anyOf",
      "oneOf",
      "allOf",
      "if",
      "then",
      "else",
    ].map((keyword) => [keyword, []]),
  ),
  ...Object.fromEntries(
    ["maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum", "multipleOf"].map((k) => [k, ["number"]]),
  ),
  ...Object.fromEntries(
    [
      "maxLength",
      "minLength",
      "pattern",
      "formatMaximum",
      "formatMinimum",
      "formatExclusiveMaximum",
      "formatExclusiveMinimum",
    ].map((k) => [k, ["string"]]),
  ),
  ...Object.fromEntries(
    [
      "maxProperties",
      "minProperties",
      "required",
      "propertyNames",
      "additionalProperties",
      "dependencies",
      "properties",
      "patternProperties",
      "dependentRequired",
      "dependentSchemas",
      "unevaluatedProperties",
    ].map((k) => [k, ["object"]]),
  ),
  ...Object.fromEntries(
    [
      "maxItems",
      "minItems",
      "uniqueItems",
      "prefixItems",
      "items",
      "contains",
      "maxContains",
      "minContains",
      "unevaluatedItems",
    ].map((k) => [k, ["array"]]),
  ),
  format: ["number", "string"],
};

/** The formats the validator knows (ajv-formats' full set). */
export const PAYLOAD_SCHEMA_FORMATS: readonly string[] = Object.keys(fullFormats);
