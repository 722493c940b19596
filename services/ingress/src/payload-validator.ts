import type { AnySchemaObject, ValidateFunction } from "ajv";
import { err, ok, SwitchboardError, ErrorCodes, type Result } from "@switchboard/errors";
import { payloadSchemaAjv, toSchemaErrors, type SchemaError } from "@switchboard/events";

/** A declared payload schema, compiled once; ingest only calls it. */
export type PayloadValidator = (payload: unknown) => Result<void, SchemaError[]>;

/** A payload can break every item of a large array; the caller needs the first few to fix it. */
export const MAX_REPORTED_ERRORS = 50;

/**
 * Compiles a declared schema. The rules engine refused anything that does not compile when it was
 * saved, so a failure here is a fault, not the caller's mistake.
 */
export function compilePayloadValidator(schema: Record<string, unknown>, what: string): PayloadValidator {
  const instance = payloadSchemaAjv();
  let validate: ValidateFunction;
  try {
    validate = instance.compile(schema as AnySchemaObject);
  } catch (error) {
    throw new SwitchboardError(ErrorCodes.Internal, `the declared schema of ${what} does not compile`, {
      cause: error,
    });
  } finally {
    // The compiled function keeps working; dropping the cache entry keeps old schemas from piling up.
    instance.removeSchema(schema as AnySchemaObject);
  }
  return (payload) =>
    validate(payload) ? ok(undefined) : err(toSchemaErrors(validate.errors).slice(0, MAX_REPORTED_ERRORS));
}
