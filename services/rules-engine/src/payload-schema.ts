import type { AnySchemaObject, ValidateFunction } from "ajv";
import { err, ok, type Result } from "@switchboard/errors";
import { payloadSchemaAjv, toSchemaErrors, type SchemaError } from "@switchboard/events";
import { externalRefOf } from "@switchboard/rules";

/** A declared payload schema, compiled once; the hot path only calls `validate`. */
export type PayloadValidator = (payload: unknown) => Result<void, SchemaError[]>;

/**
 * Compiles a content manager's JSON Schema (draft 2020-12, formats, strict mode). A reference to
 * any other document is refused, even one the validator happens to know (its meta-schemas): a
 * definition must say everything about its payload by itself. The error is a sentence to show;
 * `checkPayloadSchema` of the rules package says where (the console runs it as the schema is typed).
 */
export function compilePayloadSchema(schema: unknown): Result<PayloadValidator, string> {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema))
    return err("the schema must be a JSON object");
  const external = externalRefOf(schema);
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
