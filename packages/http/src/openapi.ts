import fastifySwagger from "@fastify/swagger";
import type { FastifyInstance } from "fastify";
import { BEARER_SCHEME } from "./route-auth.js";

export type OpenApiInfo = { title: string; version: string };

/**
 * Must be registered before any route: the document is built from the routes added after it. Shared
 * schemas keep their `$id` as their component name (`#/components/schemas/Problem`), not `def-0`.
 */
export async function installOpenApi(app: FastifyInstance, info: OpenApiInfo): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        ...info,
        description: "Errors are RFC 9457 application/problem+json documents with a stable `code`.",
      },
      components: {
        securitySchemes: {
          [BEARER_SCHEME]: {
            type: "http",
            scheme: "bearer",
            description: "An API key: Authorization: Bearer <key>",
          },
        },
      },
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json["$id"] === "string" ? json["$id"] : `def-${i}`,
    },
  });
}

export function registerDocsRoutes(app: FastifyInstance): void {
  for (const url of ["/docs", "/docs/openapi.json"]) {
    app.get(url, { config: { auth: "public" }, schema: { hide: true } }, async (request) =>
      request.server.swagger(),
    );
  }
}
