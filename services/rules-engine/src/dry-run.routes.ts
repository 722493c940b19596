import type { FastifyInstance } from "fastify";
import { problemResponses, type SchemaTypeProvider } from "@switchboard/http";
import { runDryRun } from "./dry-run.js";
import type { RulesEngineParts } from "./engine-parts.js";
import { dryRunBody, dryRunResponse, orgParams } from "./rules-engine.schemas.js";
import { RULE_READERS, RULE_TAGS } from "./rules.routes.js";

export async function dryRunRoutes(server: FastifyInstance, parts: RulesEngineParts): Promise<void> {
  const app = server.withTypeProvider<SchemaTypeProvider>();
  app.post(
    "/v1/orgs/:org/rules/dry-run",
    {
      config: { auth: { roles: [...RULE_READERS] } },
      schema: {
        tags: RULE_TAGS,
        summary:
          "What a rule (draft or saved) would do with a payload or the last N messages, and the warnings a save of it would give; no side effects",
        params: orgParams,
        body: dryRunBody,
        response: { 200: dryRunResponse, ...problemResponses(400) },
      },
    },
    async (request) => runDryRun(parts.db, parts, request.params.org, request.body),
  );
}
