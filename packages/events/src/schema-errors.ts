import type { ErrorObject } from "ajv";

/** One problem with a value, in a form fit for an API response, a DLQ entry or a log line. */
export type SchemaError = {
  /** JSON pointer (RFC 6901) to the offending value; "" is the whole document. */
  path: string;
  message: string;
  /** The JSON Schema keyword that failed (`format`, `required`, …), for callers that branch on it. */
  keyword: string;
};

/**
 * Ajv reports a missing or unknown property at its parent and names it only in `params`; callers
 * want the pointer to the property itself and its name in the message, so those are rewritten.
 */
export function toSchemaErrors(errors: readonly ErrorObject[] | null | undefined): SchemaError[] {
  const seen = new Set<string>();
  const out: SchemaError[] = [];
  for (const error of errors ?? []) {
    const converted = convert(error);
    const key = `${converted.path}\u0000${converted.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(converted);
  }
  return out;
}

function convert(error: ErrorObject): SchemaError {
  const params = error.params as Record<string, unknown>;
  const at = (property: unknown) => `${error.instancePath}/${escapePointer(String(property))}`;
  switch (error.keyword) {
    case "required":
      return {
        path: at(params["missingProperty"]),
        message: `must have required property ${JSON.stringify(params["missingProperty"])}`,
        keyword: "required",
      };
    case "additionalProperties":
      return unknownProperty(at(params["additionalProperty"]), params["additionalProperty"], error.keyword);
    case "unevaluatedProperties":
      return unknownProperty(at(params["unevaluatedProperty"]), params["unevaluatedProperty"], error.keyword);
    default:
      return {
        path: error.instancePath,
        message: error.message ?? `must pass "${error.keyword}"`,
        keyword: error.keyword,
      };
  }
}

function unknownProperty(path: string, name: unknown, keyword: string): SchemaError {
  return { path, message: `must NOT have unknown property ${JSON.stringify(name)}`, keyword };
}

function escapePointer(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}
