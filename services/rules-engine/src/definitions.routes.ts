import type { FastifyInstance } from "fastify";
import { NotFoundError } from "@switchboard/errors";
import { problemResponses, requestMeta, type SchemaTypeProvider } from "@switchboard/http";
import { removeDefinition } from "./delete-definition.js";
import type { RulesEngineParts } from "./engine-parts.js";
import { findDefinition, listDefinitions, type InboundDefinition } from "./inbound-definition.repository.js";
import { recentSamples } from "./inbound-sample.repository.js";
import { definitionBody, definitionParams, orgParams, samplesQuery } from "./rules-engine.schemas.js";
import { saveDefinition } from "./save-definition.js";

const READERS = ["content-manager", "viewer"] as const;
const TAGS = ["inbound events"];

const view = ({ orgId: _org, ...definition }: InboundDefinition) => definition;

export async function definitionRoutes(server: FastifyInstance, parts: RulesEngineParts): Promise<void> {
  const app = server.withTypeProvider<SchemaTypeProvider>();
  const { db } = parts;

  app.put(
    "/v1/orgs/:org/inbound-events/:name",
    {
      config: { auth: { roles: ["content-manager"] } },
      schema: {
        tags: TAGS,
        summary:
          "Declare or change an inbound event: its payload schema and dedup mode (201 created, 200 changed or unchanged)",
        params: definitionParams,
        body: definitionBody,
        response: problemResponses(400, 409),
      },
    },
    async (request, reply) => {
      const { org, name } = request.params;
      const saved = await saveDefinition(db, requestMeta(request, org), name, request.body, parts.source.now);
      if (saved.outcome !== "unchanged") parts.changed(org);
      return reply.code(saved.outcome === "created" ? 201 : 200).send(view(saved.definition));
    },
  );

  app.get(
    "/v1/orgs/:org/inbound-events",
    {
      config: { auth: { roles: [...READERS] } },
      schema: { tags: TAGS, summary: "List the declared inbound events", params: orgParams },
    },
    async (request) => ({ inboundEvents: (await listDefinitions(db, request.params.org)).map(view) }),
  );

  app.get(
    "/v1/orgs/:org/inbound-events/:name",
    {
      config: { auth: { roles: [...READERS] } },
      schema: { tags: TAGS, summary: "Show an inbound event declaration", params: definitionParams },
    },
    async (request) => {
      const definition = await findDefinition(db, request.params.org, request.params.name);
      if (definition === undefined)
        throw new NotFoundError(`inbound event "${request.params.name}" is not declared`);
      return view(definition);
    },
  );

  app.get(
    "/v1/orgs/:org/inbound-events/:name/samples",
    {
      config: { auth: { roles: [...READERS] } },
      schema: {
        tags: TAGS,
        summary:
          "The last messages received for an inbound event, newest first (those a dry run can use; a busy event keeps at most 10 a second)",
        params: definitionParams,
        querystring: samplesQuery,
      },
    },
    async (request) => {
      const { org, name } = request.params;
      if ((await findDefinition(db, org, name)) === undefined)
        throw new NotFoundError(`inbound event "${name}" is not declared`);
      return { samples: await recentSamples(db, org, name, request.query.limit) };
    },
  );

  app.delete(
    "/v1/orgs/:org/inbound-events/:name",
    {
      config: { auth: { roles: ["content-manager"] } },
      schema: {
        tags: TAGS,
        summary: "Remove an inbound event declaration (refused while active rules read it)",
        params: definitionParams,
        response: problemResponses(409),
      },
    },
    async (request, reply) => {
      await removeDefinition(db, request.params.org, request.params.name);
      parts.changed(request.params.org);
      return reply.code(204).send();
    },
  );
}
