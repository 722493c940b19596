import Fastify from "fastify";
import type { SchemaTypeProvider } from "@switchboard/http";
import { acceptedResponse, inboundParams, orgParams, pollQuery } from "./ingress.schemas.js";

/**
 * Never run: compiled only, to show that ingress's routes are typed from their schemas. Each
 * `@ts-expect-error` fails the type check if the statement under it ever compiles.
 */
export function requestsTheCompilerRefuses(): void {
  const app = Fastify().withTypeProvider<SchemaTypeProvider>();
  app.post(
    "/v1/orgs/:org/inbound/:name",
    { schema: { params: inboundParams, response: { 202: acceptedResponse } } },
    (request) => {
      // @ts-expect-error the inbound params are the org and the name
      void request.params.version;
      return { messageId: request.params.name, duplicate: false };
    },
  );
  app.get("/v1/orgs/:org/events", { schema: { params: orgParams, querystring: pollQuery } }, (request) => {
    // The schema's defaults fill in the cursor, the limit and the wait.
    const { after, limit, waitMs } = request.query;
    // @ts-expect-error the types filter may be missing
    const types: string = request.query.types;
    // @ts-expect-error the poll query has no stage
    void request.query.stage;
    return { after, limit, waitMs, types };
  });
}
