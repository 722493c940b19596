import Fastify from "fastify";
import type { SchemaTypeProvider } from "@switchboard/http";
import { credentialParams, createCredentialBody } from "./nats-credentials/nats-credential.schemas.js";
import { createKeyBody, orgParams, orgSchema } from "./tenancy.schemas.js";

/**
 * Never run: compiled only, to show that tenancy's routes are typed from their schemas. Each
 * `@ts-expect-error` fails the type check if the statement under it ever compiles.
 */
export function requestsTheCompilerRefuses(): void {
  const app = Fastify().withTypeProvider<SchemaTypeProvider>();
  app.post("/v1/orgs/:org/api-keys", { schema: { params: orgParams, body: createKeyBody } }, (request) => {
    // @ts-expect-error an API key body has a name and roles, no expiry
    void request.body.expiresAt;
    // @ts-expect-error the org params have no id
    void request.params.id;
    // @ts-expect-error a role is one of the org roles
    const role: "platform-admin" = request.body.roles[0]!;
    return { role };
  });
  app.post(
    "/v1/orgs/:org/nats-credentials/:id",
    { schema: { params: credentialParams, body: createCredentialBody } },
    (request) => {
      const id: string = request.params.id;
      // @ts-expect-error the expiry may be missing
      const expiresAt: string = request.body.expiresAt;
      return { id, expiresAt };
    },
  );
  app.get("/v1/orgs/:org", { schema: { params: orgParams, response: { 200: orgSchema } } }, (request) =>
    // @ts-expect-error a reply the org schema does not describe
    ({ id: request.params.org, name: "n" }),
  );
}
