import type { ErrorObject, ValidateFunction } from "ajv";
import { Ajv2020, type Code } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { didYouMean } from "./did-you-mean.js";
import { childPointer } from "./json-pointer.js";
import { previewValue } from "./value-preview.js";

let shared: Ajv2020 | undefined;

/**
 * One ajv for the package's own schemas (rule document, definition, action parameters), compiled
 * once each (cached by schema object). verbose: messages use the failing schema (its property names for a did-you-mean).
 * strictRequired off: `oneOf: [{ required: ["a"] }, { required: ["b"] }]` is how alternatives are said.
 */
export function compileSchema(schema: object): ValidateFunction {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    shared ??= packageAjv();
    validate = shared.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** The ajv that compiles the package's own schemas; `code` options only for ahead-of-time compiling. */
export function packageAjv(code?: { source: true; esm: true; formats: Code }): Ajv2020 {
  const ajv = new Ajv2020({
    strict: true,
    strictRequired: false,
    allErrors: true,
    allowUnionTypes: true,
    verbose: true,
    ...(code === undefined ? {} : { code }),
  });
  addFormats.default(ajv);
  return ajv;
}

/** The JSON Schema draft 2020-12 meta-schema's $id: payload schemas are checked against it. */
export const META_SCHEMA_ID = "https://json-schema.org/draft/2020-12/schema";
let metaValidator: ValidateFunction | undefined;

/** The meta-schema's validator (compiled once by the package's ajv, or given ahead of time). */
export function metaSchemaValidator(): ValidateFunction {
  shared ??= packageAjv();
  metaValidator ??= shared.getSchema(META_SCHEMA_ID)!;
  return metaValidator;
}

/** The meta-schema's validator compiled ahead of time, used instead of compiling it here. */
export function presetMetaSchemaValidator(validate: ValidateFunction): void {
  metaValidator = validate;
}

/** A validator compiled ahead of time for `schema` (same object), used instead of compiling it here. */
export function presetValidator(schema: object, validate: ValidateFunction): void {
  compiled.set(schema, validate);
}

const compiled = new WeakMap<object, ValidateFunction>();

export interface DescribedError {
  /** JSON pointer, relative to the validated value, of what is wrong (a missing or unknown property itself). */
  pointer: string;
  message: string;
}

/** Ajv's errors as messages a content manager can act on; noise (`if`, duplicates) dropped. */
export function describeErrors(errors: readonly ErrorObject[] | null | undefined): DescribedError[] {
  const seen = new Set<string>();
  const out: DescribedError[] = [];
  for (const error of errors ?? []) {
    // "must match then schema" only repeats the error that made it fail.
    if (error.keyword === "if") continue;
    const described = describe(error);
    const key = `${described.pointer}\u0000${described.message}`;
    if (!seen.has(key)) out.push(described);
    seen.add(key);
  }
  return out;
}

function describe(error: ErrorObject): DescribedError {
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
  const at = error.instancePath;
  const got = `, got ${previewValue(error.data)}`;
  switch (error.keyword) {
    case "required":
      return { pointer: childPointer(at, String(params["missingProperty"])), message: "is required" };
    case "additionalProperties":
    case "unevaluatedProperties": {
      const name = String(params["additionalProperty"] ?? params["unevaluatedProperty"]);
      const known = Object.keys((parent["properties"] ?? {}) as object);
      const hint = didYouMean(name, known) || (known.length > 0 ? `; allowed: ${known.join(", ")}` : "");
      return { pointer: childPointer(at, name), message: `is not allowed here${hint}` };
    }
    case "type":
      return {
        pointer: at,
        message: `must be ${article(String(params["type"]).replaceAll(",", " or "))}${got}`,
      };
    case "enum":
      return { pointer: at, message: `must be one of ${listOf(params["allowedValues"])}${got}` };
    case "const":
      return { pointer: at, message: `must be ${JSON.stringify(params["allowedValue"])}${got}` };
    case "not": {
      // The refused schema's $comment says why, e.g. that platform event types cannot be emitted.
      const why = (parent["not"] as { $comment?: unknown } | undefined)?.$comment;
      return {
        pointer: at,
        message: `must not be ${previewValue(error.data)}${typeof why === "string" ? `: ${why}` : ""}`,
      };
    }
    case "pattern":
      return {
        pointer: at,
        message: `${PATTERN_HINTS[String(params["pattern"])] ?? `must match ${String(params["pattern"])}`}${got}`,
      };
    case "format":
      return { pointer: at, message: `must be ${article(String(params["format"]))}${got}` };
    case "minProperties":
    case "maxProperties":
      return { pointer: at, message: propertyCount(parent, error) };
    default:
      return { pointer: at, message: error.message ?? `must pass ${error.keyword}` };
  }
}

/** Patterns of the package's schemas, said in words. */
const PATTERN_HINTS: Record<string, string> = {
  "^[A-Za-z0-9_.-]{1,100}$": 'must be 1 to 100 characters of A-Z, a-z, 0-9, "_", "." or "-"',
  "^[A-Za-z0-9_.-]+$": 'must be characters of A-Z, a-z, 0-9, "_", "." or "-"',
  "^[A-Za-z0-9_-]{1,64}$": 'must be a token: 1 to 64 characters of A-Z, a-z, 0-9, "_" or "-"',
  "^[A-Za-z0-9_-]{1,64}(\\.[A-Za-z0-9_-]{1,64})*$":
    'must be tokens (1 to 64 of A-Z, a-z, 0-9, "_" or "-") joined by single dots',
};

function propertyCount(parent: Record<string, unknown>, error: ErrorObject): string {
  const names = Object.keys((parent["properties"] ?? {}) as object);
  if (parent["minProperties"] === 1 && parent["maxProperties"] === 1 && names.length > 0) {
    return `must have exactly one of ${names.map((n) => JSON.stringify(n)).join(" or ")}`;
  }
  return error.message ?? "has the wrong number of properties";
}

/** "a string", "an integer", "a string or null". */
export function article(noun: string): string {
  if (noun === "null") return "null";
  return /^[aeiou]/.test(noun) && !noun.startsWith("uu") ? `an ${noun}` : `a ${noun}`;
}

function listOf(values: unknown): string {
  return Array.isArray(values) ? values.map((v) => JSON.stringify(v)).join(", ") : String(values);
}
