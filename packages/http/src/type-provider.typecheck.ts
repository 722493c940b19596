// Compile-time checks of SchemaTypeProvider: `tsc -p tsconfig.check.json` fails if a route's
// request were no longer typed from its schemas. Never run.
import Fastify from "fastify";
import type { SchemaTypeProvider } from "./type-provider.js";

const body = {
  type: "object",
  properties: { name: { type: "string" }, size: { type: "integer" } },
  required: ["name"],
  additionalProperties: false,
} as const;
const params = {
  type: "object",
  properties: { org: { type: "string" } },
  required: ["org"],
  additionalProperties: false,
} as const;

const query = {
  type: "object",
  properties: { limit: { type: "integer", default: 100 }, after: { type: "string" } },
  additionalProperties: false,
} as const;

export function typedRoute(): void {
  const app = Fastify().withTypeProvider<SchemaTypeProvider>();
  app.post("/v1/orgs/:org/things", { schema: { params, body } }, async (request) => {
    const name: string = request.body.name;
    const size: number | undefined = request.body.size;
    const org: string = request.params.org;
    // @ts-expect-error a property the schema does not declare
    void request.body.colour;
    // @ts-expect-error size may be missing
    const sure: number = request.body.size;
    return { name, size, org, sure };
  });
  app.get("/v1/things", { schema: { querystring: query } }, async (request) => {
    // validation fills in a default, so the handler always has it
    const limit: number = request.query.limit;
    // @ts-expect-error without a default, after may be missing
    const after: string = request.query.after;
    return { limit, after };
  });
}
