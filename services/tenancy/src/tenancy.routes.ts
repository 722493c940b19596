import type { FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import { ConflictError, NotFoundError } from "@switchboard/errors";
import { principalOf, problemResponses, ROLES, type SchemaTypeProvider } from "@switchboard/http";
import { generateApiKey, hashToken } from "./api-key.js";
import { insertApiKey, listOrgKeys, revokeKey } from "./api-key.repository.js";
import { findOrg, insertOrg, listOrgs } from "./org.repository.js";
import {
  apiKeySchema,
  createKeyBody,
  createOrgBody,
  orgParams,
  orgSchema,
  whoamiSchema,
} from "./tenancy.schemas.js";
import type { TenancyDB } from "./tenancy.tables.js";

export async function tenancyRoutes(server: FastifyInstance, db: Kysely<TenancyDB>): Promise<void> {
  const app = server.withTypeProvider<SchemaTypeProvider>();
  app.post(
    "/v1/orgs",
    {
      config: { auth: { roles: ["platform-admin"] } },
      schema: {
        tags: ["tenancy"],
        summary: "Create an org",
        body: createOrgBody,
        response: { 201: orgSchema, ...problemResponses(400, 409) },
      },
    },
    async (request, reply) => {
      const org = await insertOrg(db, request.body);
      if (org === undefined) throw new ConflictError(`org "${request.body.id}" already exists`);
      return reply.code(201).send(org);
    },
  );

  app.get(
    "/v1/orgs",
    { config: { auth: { roles: ["platform-admin"] } }, schema: { tags: ["tenancy"], summary: "List orgs" } },
    async () => ({ orgs: await listOrgs(db) }),
  );

  app.get(
    "/v1/whoami",
    {
      config: { auth: { roles: [...ROLES] } },
      schema: {
        tags: ["tenancy"],
        summary: "The calling key: its id, its org (null for a platform key) and its roles",
        response: { 200: whoamiSchema },
      },
    },
    async (request) => {
      const { keyId, orgId, roles } = principalOf(request);
      const org = orgId === null ? null : await findOrg(db, orgId);
      return { keyId, orgId, orgName: org?.name ?? null, roles };
    },
  );

  app.get(
    "/v1/orgs/:org",
    {
      config: { auth: { roles: ["viewer", "content-manager", "integration", "app"] } },
      schema: { tags: ["tenancy"], summary: "Show an org", params: orgParams, response: { 200: orgSchema } },
    },
    async (request) => requireOrg(db, request.params.org),
  );

  app.post(
    "/v1/orgs/:org/api-keys",
    {
      config: { auth: { roles: ["org-admin"] } },
      schema: {
        tags: ["tenancy"],
        summary: "Create an API key for the org; the key is in this response only",
        params: orgParams,
        body: createKeyBody,
        response: {
          201: {
            ...apiKeySchema,
            properties: { ...apiKeySchema.properties, key: { type: "string" } },
            required: [...apiKeySchema.required, "key"],
          },
          ...problemResponses(400),
        },
      },
    },
    async (request, reply) => {
      await requireOrg(db, request.params.org);
      const { id, token } = generateApiKey();
      const orgId = request.params.org;
      const { name, roles } = request.body;
      const record = await insertApiKey(db, { id, orgId, name, roles, tokenHash: hashToken(token) });
      // An org's key: its record holds the org id, never the null of a platform key.
      return reply.code(201).send({ ...record, orgId, key: token });
    },
  );

  app.get(
    "/v1/orgs/:org/api-keys",
    {
      config: { auth: { roles: ["org-admin"] } },
      schema: {
        tags: ["tenancy"],
        summary: "List the org's live API keys (never the keys themselves)",
        params: orgParams,
      },
    },
    async (request) => ({ apiKeys: await listOrgKeys(db, request.params.org) }),
  );

  app.delete(
    "/v1/orgs/:org/api-keys/:id",
    {
      config: { auth: { roles: ["org-admin"] } },
      schema: {
        tags: ["tenancy"],
        summary: "Revoke an API key",
        params: {
          type: "object",
          properties: { org: orgParams.properties.org, id: { type: "string", maxLength: 100 } },
          required: ["org", "id"],
        },
      },
    },
    async (request, reply) => {
      if (!(await revokeKey(db, request.params.org, request.params.id))) {
        throw new NotFoundError(
          `API key "${request.params.id}" does not exist in org "${request.params.org}"`,
        );
      }
      return reply.code(204).send();
    },
  );
}

export async function requireOrg(db: Kysely<TenancyDB>, id: string) {
  const org = await findOrg(db, id);
  if (org === undefined) throw new NotFoundError(`org "${id}" does not exist`);
  return org;
}
