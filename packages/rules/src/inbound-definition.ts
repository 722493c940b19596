import type { AnySchemaObject } from "ajv";
import { err, ok, type Result } from "@switchboard/errors";
import { payloadSchemaAjv } from "@switchboard/events";
import { validateDedup } from "./dedup.js";
import { INBOUND_DEFINITION_SCHEMA } from "./inbound-definition-schema.js";
import { compileSchema, describeErrors } from "./schema-errors.js";
import type { InboundDefinition, RuleProblem } from "./types.js";
import { isPlainObject } from "./value-preview.js";

/**
 * Checks an inbound event definition when it is saved: its shape, that its payload schema is a
 * JSON Schema ajv compiles (strict, so a misspelt keyword is an error rather than ignored), and
 * its dedup spec. Returns every problem, with pointers into the definition.
 */
export function validateInboundDefinition(doc: unknown): Result<InboundDefinition, RuleProblem[]> {
  if (!isPlainObject(doc))
    return err([{ path: "", message: "an inbound event definition must be a JSON object", code: "schema" }]);
  const validate = compileSchema(INBOUND_DEFINITION_SCHEMA);
  const problems: RuleProblem[] = validate(doc)
    ? []
    : describeErrors(validate.errors)
        .filter((e) => !e.pointer.startsWith("/dedup")) // validateDedup says these better
        .map((e) => ({
          path: e.pointer,
          message: `${e.pointer.slice(1) || "the definition"} ${e.message}`,
          code: "schema" as const,
        }));
  const schema = doc["schema"];
  if (isPlainObject(schema)) {
    const compileProblem = schemaCompileProblem(schema);
    if (compileProblem !== undefined) problems.push(compileProblem);
    const dedup = validateDedup(doc["dedup"], schema);
    if (!dedup.ok) problems.push(...dedup.error);
    if (problems.length === 0 && dedup.ok) {
      const { name, description } = doc as { name?: string; description?: string };
      return ok({
        ...(name === undefined ? {} : { name }),
        ...(description === undefined ? {} : { description }),
        schema,
        dedup: dedup.value,
      });
    }
  }
  return err(problems);
}

function schemaCompileProblem(schema: object): RuleProblem | undefined {
  // The validator the ingress and the engine run the schema with (patterns in linear time).
  const ajv = payloadSchemaAjv();
  try {
    ajv.compile(schema as AnySchemaObject);
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      path: "/schema",
      message: `the payload schema is not a valid JSON Schema (draft 2020-12): ${reason}`,
      code: "schema",
    };
  } finally {
    ajv.removeSchema(schema as AnySchemaObject);
  }
}
