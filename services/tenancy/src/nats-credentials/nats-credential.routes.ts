import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Kysely } from "kysely";
import { ConflictError, NotFoundError, ValidationError } from "@switchboard/errors";
import { principalOf, problemResponses, requestMeta, type SchemaTypeProvider } from "@switchboard/http";
import { orgParams } from "../tenancy.schemas.js";
import type { Actor, NatsCredentialService } from "./nats-credential-service.js";
import { auditOf, findCredential, listCredentials } from "./nats-credential.repository.js";
import {
  createCredentialBody,
  createdCredentialSchema,
  credentialParams,
  credentialWithAuditSchema,
} from "./nats-credential.schemas.js";
import type { TenancyDB } from "../tenancy.tables.js";

const AUTH = { auth: { roles: ["org-admin"] as const } };
const TAGS = ["nats-credentials"];

/**
 * Self-service NATS credentials for an org's third parties. `service` is undefined when this
 * deployment has no issuer (SWITCHBOARD_NATS_ISSUER_FILE): the routes then answer 409 saying so.
 */
export async function natsCredentialRoutes(
  server: FastifyInstance,
  db: Kysely<TenancyDB>,
  service: NatsCredentialService | undefined,
  requireOrg: (org: string) => Promise<unknown>,
): Promise<void> {
  const app = server.withTypeProvider<SchemaTypeProvider>();
  const enabled = (): NatsCredentialService => {
    if (service === undefined) {
      throw new ConflictError(
        "NATS credentials are not enabled in this deployment: its tenancy service has no issuer (SWITCHBOARD_NATS_ISSUER_FILE)",
      );
    }
    return service;
  };
  const actor = (request: FastifyRequest, org: string): Actor => ({
    ...requestMeta(request, org),
    keyId: principalOf(request).keyId,
  });

  app.post(
    "/v1/orgs/:org/nats-credentials",
    {
      config: AUTH,
      schema: {
        tags: TAGS,
        summary: "Create a NATS credential for a third party; the .creds file is in this response only",
        params: orgParams,
        body: createCredentialBody,
        response: { 201: createdCredentialSchema, ...problemResponses(400, 409) },
      },
    },
    async (request, reply) => {
      const { org } = request.params;
      const expiresAt = futureDate(request.body.expiresAt);
      await requireOrg(org);
      const created = await enabled().create(
        org,
        { name: request.body.name, access: request.body.access, expiresAt },
        actor(request, org),
      );
      return reply.code(201).send(created);
    },
  );

  app.get(
    "/v1/orgs/:org/nats-credentials",
    {
      config: AUTH,
      schema: {
        tags: TAGS,
        summary: "List the org's NATS credentials (never their seeds), revoked ones included",
        params: orgParams,
      },
    },
    async (request) => {
      const hints = enabled().hints;
      const credentials = await listCredentials(db, request.params.org);
      return { natsCredentials: credentials.map((c) => ({ ...c, ...hints(c) })) };
    },
  );

  app.get(
    "/v1/orgs/:org/nats-credentials/:id",
    {
      config: AUTH,
      schema: {
        tags: TAGS,
        summary: "Show a NATS credential and its audit trail",
        params: credentialParams,
        response: { 200: credentialWithAuditSchema, ...problemResponses(404) },
      },
    },
    async (request) => {
      const { org, id } = request.params;
      const hints = enabled().hints;
      const found = await findCredential(db, org, id);
      if (found === undefined)
        throw new NotFoundError(`NATS credential "${id}" does not exist in org "${org}"`);
      return { ...found, ...hints(found), audit: await auditOf(db, org, id) };
    },
  );

  app.delete(
    "/v1/orgs/:org/nats-credentials/:id",
    {
      config: AUTH,
      schema: {
        tags: TAGS,
        summary: "Revoke a NATS credential: its connections are closed and it can never connect again",
        params: credentialParams,
        response: problemResponses(404, 503),
      },
    },
    async (request, reply) => {
      const { org, id } = request.params;
      await enabled().revoke(org, id, actor(request, org));
      return reply.code(204).send();
    },
  );
}

/** The expiry as a Date; in the past (or now) it is a 400 naming the field. */
function futureDate(value: string | undefined): Date | null {
  if (value === undefined) return null;
  const date = new Date(value);
  if (!(date.getTime() > Date.now())) {
    const message = `body/expiresAt must be in the future, got ${value}`;
    throw new ValidationError(message, { details: [{ path: "body/expiresAt", message, keyword: "future" }] });
  }
  return date;
}
