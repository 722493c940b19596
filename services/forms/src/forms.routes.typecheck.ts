import type { FastifyInstance } from "fastify";
import type { SchemaTypeProvider } from "@switchboard/http";
import * as schemas from "./forms.schemas.js";

/**
 * Never run: compiled only, to show that a forms route's request is typed from its schemas. Each
 * `@ts-expect-error` fails the type check if the statement under it ever compiles.
 */
export function requestsTheCompilerRefuses(server: FastifyInstance): void {
  const app = server.withTypeProvider<SchemaTypeProvider>();

  app.post(
    "/assign",
    { schema: { params: schemas.planParams, body: schemas.assignBody } },
    async (request) => {
      const formName: string = request.body.formName;
      // @ts-expect-error an assignment body has no "dueAt"
      void request.body.dueAt;
      // @ts-expect-error the route has no :id
      void request.params.id;
      return formName;
    },
  );

  app.post(
    "/submit",
    { schema: { params: schemas.assignmentParams, body: schemas.submitBody } },
    async (request) => {
      // @ts-expect-error a submission carries its data, no formName
      void request.body.formName;
      return request.params.id;
    },
  );

  app.get(
    "/list",
    { schema: { params: schemas.orgParams, querystring: schemas.listQuery } },
    async (request) => {
      // @ts-expect-error status is "assigned" or "submitted"
      const archived: "archived" = request.query.status;
      return archived;
    },
  );
}
