import type { AnySchemaObject, ValidateFunction } from "ajv";
import { err, ok, type Result } from "@switchboard/errors";
import { payloadSchemaAjv, toSchemaErrors, type SchemaError } from "@switchboard/events";

/** A declared payload schema, compiled once; the hot path only calls `validate`. */
export type PayloadValidator = (payload: unknown) => Result<void, SchemaError[]>;

// Values that hold data rather than subschemas: a "$ref" string in an example is not a reference.
const DATA_KEYWORDS = new Set(["const", "enum", "default", "examples", "example"]);
const REF_KEYWORDS = ["$ref", "$dynamicRef"];
const NAME_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);

/**
 * Compiles a content manager's JSON Schema (draft 2020-12, formats, strict mode). A reference to
 * any other document is refused, even one the validator happens to know (its meta-schemas): a
 * definition must say everything about its payload by itself. The error is a sentence to show.
 */
export function compilePayloadSchema(schema: unknown): Result<PayloadValidator, string> {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema))
    return err("the schema must be a JSON object");
  const external = findExternalRef(schema, "");
  if (external !== undefined) {
    return err(
      `${external.path || "/"}: ${external.keyword} "${external.ref}" points outside this schema; only local references ("#…") are allowed`,
    );
  }
  const instance = payloadSchemaAjv();
  let validate: ValidateFunction;
  try {
    validate = instance.compile(schema as AnySchemaObject);
  } catch (error) {
    return err((error as Error).message);
  } finally {
    // The compiled function keeps working; dropping the cache entry keeps old schemas from piling up.
    instance.removeSchema(schema as AnySchemaObject);
  }
  return ok((payload) => (validate(payload) ? ok(undefined) : err(toSchemaErrors(validate.errors))));
}

type ExternalRef = { path: string; keyword: string; ref: string };

/** Walks a schema: keywords are checked, data values skipped, and maps of names (properties, $defs)
 * entered as maps, so a property called "default" or "$ref" is still treated as a subschema. */
function findExternalRef(node: unknown, path: string): ExternalRef | undefined {
  if (typeof node !== "object" || node === null) return undefined;
  if (Array.isArray(node)) return firstOf(node.map((item, i) => [`${path}/${i}`, item] as const));
  for (const [key, value] of Object.entries(node)) {
    const at = `${path}/${escape(key)}`;
    if (REF_KEYWORDS.includes(key) && typeof value === "string" && !value.startsWith("#"))
      return { path, keyword: key, ref: value };
    if (DATA_KEYWORDS.has(key)) continue;
    const found =
      NAME_MAPS.has(key) && isObject(value)
        ? firstOf(Object.entries(value).map(([name, sub]) => [`${at}/${escape(name)}`, sub] as const))
        : findExternalRef(value, at);
    if (found) return found;
  }
  return undefined;
}

function firstOf(entries: (readonly [string, unknown])[]): ExternalRef | undefined {
  for (const [path, sub] of entries) {
    const found = findExternalRef(sub, path);
    if (found) return found;
  }
  return undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const escape = (segment: string): string => segment.replaceAll("~", "~0").replaceAll("/", "~1");
