import type { FastifyTypeProvider } from "fastify";
import type { Infer } from "@switchboard/contracts";

/**
 * Types a route's `request.params`, `query`, `body` and its replies from the JSON Schemas it is
 * declared with (declared `as const`), by the same inference the command contracts use, so a
 * route's shapes are written once: as the schema that validates them.
 *
 *   app.withTypeProvider<SchemaTypeProvider>().post("/v1/…", { schema: { body: planBody } }, (req) => req.body.name)
 */
export interface SchemaTypeProvider extends FastifyTypeProvider {
  readonly validator: Validated<this["schema"]>;
  readonly serializer: Infer<this["schema"]>;
}

/** The top-level properties a schema gives a `default`: validation fills them in (ajv's useDefaults). */
type Defaulted<S> = S extends { readonly properties: infer P }
  ? { [K in keyof P]: P[K] extends { readonly default: unknown } ? K : never }[keyof P]
  : never;

/** What a handler receives: the schema's type, with its defaulted properties always present. */
type Validated<S> = [Defaulted<S>] extends [never]
  ? Infer<S>
  : Infer<S> & { [K in Defaulted<S> & keyof Infer<S>]-?: Exclude<Infer<S>[K], undefined> };
