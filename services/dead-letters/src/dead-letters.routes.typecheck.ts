import Fastify from "fastify";
import type { SchemaTypeProvider } from "@switchboard/http";
import { entryParams, listQuery, resolveBody } from "./dead-letters.schemas.js";

/**
 * Never run: compiled only, to show that a desk route's request is typed from its schemas. Each
 * `@ts-expect-error` fails the type check if the statement under it ever compiles.
 */
export function requestsTheCompilerRefuses(): void {
  const app = Fastify().withTypeProvider<SchemaTypeProvider>();
  app.post(
    "/v1/orgs/:org/dead-letters/:id/resolve",
    { schema: { params: entryParams, body: resolveBody } },
    (request) => {
      // @ts-expect-error the resolve body has only a comment
      void request.body.reason;
      // @ts-expect-error the entry params have no stage
      void request.params.stage;
      // @ts-expect-error the entry id is a number
      const id: string = request.params.id;
      return { id };
    },
  );
  app.get("/v1/orgs/:org/dead-letters", { schema: { querystring: listQuery } }, (request) => {
    // The schema's defaults fill in `limit`, so it is always there.
    const limit: number = request.query.limit;
    // @ts-expect-error the stage filter may be missing
    const stage: string = request.query.stage;
    return { limit, stage };
  });
}
