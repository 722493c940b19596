import type { FastifyInstance, FastifyRequest } from "fastify";

type PropertySchema = { type?: unknown; items?: unknown };
type Coerce = (value: string) => unknown;

const INTEGER = /^-?\d+$/;
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const COERCIONS: Record<string, Coerce> = {
  integer: (v) => (INTEGER.test(v) ? Number(v) : v),
  number: (v) => (NUMBER.test(v) ? Number(v) : v),
  boolean: (v) => (v === "true" ? true : v === "false" ? false : v),
};

/**
 * Query strings and path parameters only carry text, so `?limit=10` is turned into a number before
 * validation when the schema asks for one. Bodies are never coerced (ajv runs with `coerceTypes: false`):
 * a JSON client that sends "10" for a number has a bug we want to report. Only flat `properties` with a
 * single `type` are handled; anything else is validated as sent.
 */
export function installParameterCoercion(app: FastifyInstance): void {
  app.addHook("preValidation", async (request: FastifyRequest) => {
    const schema = request.routeOptions.schema;
    if (schema === undefined) return;
    coerceObject(request.query, schema.querystring);
    coerceObject(request.params, schema.params);
  });
}

function coerceObject(target: unknown, schema: unknown): void {
  const properties = (schema as { properties?: Record<string, PropertySchema> } | undefined)?.properties;
  if (properties === undefined || target === null || typeof target !== "object") return;
  const values = target as Record<string, unknown>;
  for (const [name, property] of Object.entries(properties)) {
    if (Object.hasOwn(values, name)) values[name] = coerceValue(values[name], property);
  }
}

function coerceValue(value: unknown, schema: PropertySchema): unknown {
  if (schema.type === "array") {
    const items = (schema.items ?? {}) as PropertySchema;
    // `?type=a` and `?type=a&type=b` should both validate against an array schema.
    const list = Array.isArray(value) ? value : [value];
    return list.map((item) => coerceValue(item, items));
  }
  const coerce = typeof schema.type === "string" ? COERCIONS[schema.type] : undefined;
  return coerce !== undefined && typeof value === "string" ? coerce(value) : value;
}
