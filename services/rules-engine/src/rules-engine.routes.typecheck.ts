import type { FastifyInstance } from "fastify";
import type { SchemaTypeProvider } from "@switchboard/http";
import * as schemas from "./rules-engine.schemas.js";

/**
 * Never run: compiled only, to show that a rules-engine route's request is typed from its schemas.
 * Each `@ts-expect-error` fails the type check if the statement under it ever compiles.
 */
export function requestsTheCompilerRefuses(server: FastifyInstance): void {
  const app = server.withTypeProvider<SchemaTypeProvider>();

  app.put("/rule", { schema: { params: schemas.ruleParams, body: schemas.ruleBody } }, async (request) => {
    const ruleId: string = request.params.ruleId;
    // @ts-expect-error the route has no :version
    void request.params.version;
    // @ts-expect-error a rule document is free-form JSON, checked by the rules package, not typed here
    void request.body.trigger;
    return ruleId;
  });

  app.post(
    "/dry-run",
    { schema: { params: schemas.orgParams, body: schemas.dryRunBody } },
    async (request) => {
      const recent: number | undefined = request.body.recent;
      // @ts-expect-error a dry run has no "limit"
      void request.body.limit;
      return recent;
    },
  );

  app.put(
    "/inbound",
    { schema: { params: schemas.definitionParams, body: schemas.definitionBody } },
    async (request) => {
      // @ts-expect-error an inbound event declaration has no "version"
      void request.body.version;
      return request.body.description;
    },
  );

  app.patch("/enable", { schema: { body: schemas.patchRuleBody } }, async (request) => {
    // @ts-expect-error enabled is a boolean
    const enabled: string = request.body.enabled;
    return enabled;
  });
}
