import type { FastifyInstance } from "fastify";
import type { RulesEngineParts } from "./engine-parts.js";
import { listRuleRuns } from "./rule-run.repository.js";
import { orgParams, ruleRunsQuery } from "./rules-engine.schemas.js";
import { RULE_READERS, RULE_TAGS } from "./rules.routes.js";

type Org = { org: string };

export async function ruleRunRoutes(app: FastifyInstance, parts: RulesEngineParts): Promise<void> {
  app.get<{ Params: Org; Querystring: { ruleId?: string; limit: number; before?: number } }>(
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
