import type { FastifyInstance } from "fastify";
import type { SchemaTypeProvider } from "@switchboard/http";
import * as schemas from "./work-queues.schemas.js";

/**
 * Never run: compiled only, to show that a work-queues route's request is typed from its schemas.
 * Each `@ts-expect-error` fails the type check if the statement under it ever compiles.
 */
export function requestsTheCompilerRefuses(server: FastifyInstance): void {
  const app = server.withTypeProvider<SchemaTypeProvider>();

  app.put("/queue", { schema: { params: schemas.queueParams, body: schemas.queueBody } }, async (request) => {
    const statuses: string[] = request.body.statuses;
    // @ts-expect-error a queue body has no "owner"
    void request.body.owner;
    // @ts-expect-error the route has no :id
    void request.params.id;
    return statuses;
  });

  app.patch(
    "/item",
    { schema: { params: schemas.itemParams, body: schemas.updateItemBody } },
    async (request) => {
      // @ts-expect-error priority may be missing
      const priority: number = request.body.priority;
      return priority;
    },
  );

  app.get("/items", { schema: { querystring: schemas.listItemsQuery } }, async (request) => {
    const limit: number = request.query.limit;
    // @ts-expect-error the list has no "sort" parameter
    void request.query.sort;
    return limit;
  });
}
