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
  readonly validator: Infer<this["schema"]>;
  readonly serializer: Infer<this["schema"]>;
}
