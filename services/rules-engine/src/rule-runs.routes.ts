import type { FastifyInstance } from "fastify";
import { ValidationError } from "@switchboard/errors";
import type { SchemaTypeProvider } from "@switchboard/http";
import type { RulesEngineParts } from "./engine-parts.js";
import { parseDateTimeParam } from "./date-time-param.js";
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
        summary:
          "Rule runs, newest first: what fired, with what input, what it did; by rule, outcome and time",
        params: orgParams,
        querystring: ruleRunsQuery,
      },
    },
    async (request) => {
      const { from, to, ...rest } = request.query;
      const range = timeRange(from, to);
      const runs = await listRuleRuns(parts.db, request.params.org, { ...rest, ...range });
      const last = runs.at(-1);
      return { runs, next: runs.length === request.query.limit && last !== undefined ? last.id : null };
    },
  );
}

/** The query's from/to as instants; a range that ends before it starts is a mistake, not "no runs". */
function timeRange(from: string | undefined, to: string | undefined): { from?: Date; to?: Date } {
  const range = {
    ...(from === undefined ? {} : { from: parseDateTimeParam("from", from) }),
    ...(to === undefined ? {} : { to: parseDateTimeParam("to", to) }),
  };
  if (range.from !== undefined && range.to !== undefined && range.from > range.to)
    throw new ValidationError(`from (${from}) is after to (${to})`, {
      details: [{ path: "/from", message: "is after to", keyword: "range" }],
    });
  return range;
}
