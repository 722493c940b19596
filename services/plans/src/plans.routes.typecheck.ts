import type { FastifyInstance } from "fastify";
import type { SchemaTypeProvider } from "@switchboard/http";
import * as schemas from "./plans.schemas.js";

/**
 * Never run: compiled only, to show that a plans route's request is typed from its schemas. Each
 * `@ts-expect-error` fails the type check if the statement under it ever compiles.
 */
export function requestsTheCompilerRefuses(server: FastifyInstance): void {
  const app = server.withTypeProvider<SchemaTypeProvider>();

  app.post(
    "/template",
    { schema: { params: schemas.orgParams, body: schemas.templateBody } },
    async (request) => {
      const roles: string[] = request.body.roles;
      // @ts-expect-error a template body has no "owner"
      void request.body.owner;
      // @ts-expect-error forms may be missing
      const forms: string[] = request.body.forms;
      return { roles, forms };
    },
  );

  app.post(
    "/plan",
    { schema: { params: schemas.orgParams, body: schemas.createPlanBody } },
    async (request) => {
      // @ts-expect-error the route has no :planId
      void request.params.planId;
      return request.body.templateName;
    },
  );

  app.get("/plan/:planId", { schema: { params: schemas.planIdParams } }, async (request) => {
    // @ts-expect-error a plan route's params are org and planId only
    const isTest: string = request.params.isTest;
    return isTest;
  });
}
