import type { FastifyInstance } from "fastify";
import type { SchemaTypeProvider } from "@switchboard/http";
import type { RulesEngineParts } from "./engine-parts.js";
import { listRuleRuns } from "./rule-run.repository.js";
import { orgParams, ruleRunsQuery } from "./rules-engine.schemas.js";
import { RULE_READERS, RULE_TAGS } from "./rules.routes.js";

export async function ruleRunRoutes(server: FastifyInstance, parts: RulesEngineParts): Promise<void> {
  const app = server.withTypeProvider<SchemaTypeProvider>();
  app.get(
    "/v1/orgs/:org/rule-runs",
    {
      config: { auth: { roles: [...RULE_READERS] } },
      schema: {
        tags: RULE_TAGS,
        summary: "Rule runs, newest first: what fired, with what input, what it did",
        params: orgParams,
        querystring: ruleRunsQuery,
      },
    },
    async (request) => {
      const runs = await listRuleRuns(parts.db, request.params.org, request.query);
      const last = runs.at(-1);
      return { runs, next: runs.length === request.query.limit && last !== undefined ? last.id : null };
    },
  );
}
