import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { ValidationError } from "@switchboard/errors";
import { toSchemaErrors } from "./schema-errors.js";

let shared: Ajv2020 | undefined;

function ajv(): Ajv2020 {
  if (shared === undefined) {
    // strictRequired off: `oneOf: [{ required: ["a"] }, { required: ["b"] }]` is how alternatives are said.
    shared = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });
    addFormats.default(shared);
  }
  return shared;
}

/**
 * Compiles a JSON Schema once (at service construction) into a check that throws a ValidationError
 * listing every problem, for inputs that do not come through HTTP (e.g. NATS commands).
 */
export function compileParamsValidator<T>(schema: object, what: string): (value: unknown) => T {
  const validate = ajv().compile(schema);
  return (value) => {
    if (validate(value)) return value as T;
    const errors = toSchemaErrors(validate.errors);
    const summary = errors
      .slice(0, 3)
      .map((e) => `${e.path || "/"} ${e.message}`)
      .join("; ");
    throw new ValidationError(`${what} is invalid: ${summary}`, { details: errors });
  };
}
