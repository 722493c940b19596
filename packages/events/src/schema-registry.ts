import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AnySchemaObject, ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { ValidationError, err, ok, type Result } from "@switchboard/errors";
import { parseMessageType } from "./envelope.js";
import { isToken } from "./names.js";
import { toSchemaErrors, type SchemaError } from "./schema-errors.js";

export interface SchemaRegistry {
  /** The event types that have a schema, sorted. */
  eventTypes(): string[];
  /** A copy of the type's JSON Schema, e.g. to publish it; undefined for an unknown type. */
  schema(eventType: string): object | undefined;
  validate(eventType: string, value: unknown): Result<void, SchemaError[]>;
}

export type SchemaRegistryOptions = {
  /** Directory of `*.schema.json` files; defaults to the repository's `schemas/events/`. */
  dir?: string | URL;
};

const ENVELOPE_FILE = "envelope.schema.json";
const SUFFIX = ".schema.json";
// Relative to this file, so the same path works from src/ and from dist/.
const DEFAULT_DIR = new URL("../../../schemas/events/", import.meta.url);

/**
 * Loads and compiles every event schema once, at creation, so a broken schema stops the process
 * at start rather than failing the first event of that type; validation is then compiled code.
 */
export function createSchemaRegistry(options: SchemaRegistryOptions = {}): SchemaRegistry {
  const dir = options.dir === undefined ? fileURLToPath(DEFAULT_DIR) : toPath(options.dir);
  const files = listSchemaFiles(dir);
  // allErrors: whoever fixes an event wants every problem at once. Union types are allowed for
  // nullable fields (`["string", "null"]`), the form other JSON Schema tools read most easily.
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  addFormats.default(ajv);

  const schemas = new Map<string, AnySchemaObject>();
  for (const file of files) {
    const schema = readSchema(dir, file);
    try {
      ajv.addSchema(schema);
    } catch (cause) {
      throw brokenSchema(file, cause);
    }
    schemas.set(file, schema);
  }

  const validators = new Map<string, ValidateFunction>();
  for (const [file, schema] of schemas) {
    const validate = compile(ajv, file, schema);
    if (file !== ENVELOPE_FILE) validators.set(file.slice(0, -SUFFIX.length), validate);
  }
  const types = [...validators.keys()].sort();

  return {
    eventTypes: () => [...types],
    schema: (eventType) => {
      const schema = validators.has(eventType) ? schemas.get(eventType + SUFFIX) : undefined;
      return schema === undefined ? undefined : structuredClone(schema);
    },
    validate: (eventType, value) => {
      const validate = validators.get(eventType);
      if (validate === undefined) {
        const message = `unknown event type ${JSON.stringify(eventType)}; known types: ${types.join(", ")}`;
        return err([{ path: "", message, keyword: "eventType" }]);
      }
      const errors = validate(value) ? [] : toSchemaErrors(validate.errors);
      errors.push(...orgMismatch(value));
      return errors.length === 0 ? ok(undefined) : err(errors);
    },
  };
}

function listSchemaFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (cause) {
    throw new ValidationError(`event schemas: cannot read directory ${dir}`, { cause });
  }
  const files = names.filter((name) => name.endsWith(SUFFIX)).sort();
  if (!files.includes(ENVELOPE_FILE)) {
    throw new ValidationError(`event schemas: ${dir} has no ${ENVELOPE_FILE}`);
  }
  for (const file of files) {
    if (!isToken(file.slice(0, -SUFFIX.length))) {
      throw brokenSchema(file, "its name before .schema.json must be an event type token");
    }
  }
  return files;
}

function readSchema(dir: string, file: string): AnySchemaObject {
  let schema: unknown;
  try {
    schema = JSON.parse(readFileSync(join(dir, file), "utf8"));
  } catch (cause) {
    throw brokenSchema(file, cause);
  }
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    throw brokenSchema(file, "it is not a JSON object");
  }
  const id = (schema as { $id?: unknown }).$id;
  // Files reference each other by relative $ref; that resolves only if every $id ends in its file name.
  if (typeof id !== "string" || !id.endsWith(`/${file}`)) {
    throw brokenSchema(file, `its $id must be an absolute URI ending in "/${file}"`);
  }
  return schema as AnySchemaObject;
}

function compile(ajv: Ajv2020, file: string, schema: AnySchemaObject): ValidateFunction {
  try {
    const validate = ajv.getSchema(schema.$id as string);
    if (validate === undefined) throw new Error("ajv did not register it");
    return validate;
  } catch (cause) {
    throw brokenSchema(file, cause);
  }
}

/** JSON Schema cannot compare two fields; the subject layout depends on these two agreeing. */
function orgMismatch(value: unknown): SchemaError[] {
  if (typeof value !== "object" || value === null) return [];
  const { messageType, orgId } = value as { messageType?: unknown; orgId?: unknown };
  if (typeof messageType !== "string" || typeof orgId !== "string") return [];
  const parsed = parseMessageType(messageType);
  if (parsed === undefined || parsed.orgId === orgId) return [];
  const message = `must name orgId ${JSON.stringify(orgId)} as its second segment, not ${JSON.stringify(parsed.orgId)}`;
  return [{ path: "/messageType", message, keyword: "messageType" }];
}

function brokenSchema(file: string, cause: unknown): ValidationError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ValidationError(`event schema ${file} is broken: ${reason}`, { cause });
}

function toPath(dir: string | URL): string {
  return dir instanceof URL ? fileURLToPath(dir) : dir;
}
