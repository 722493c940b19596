import type { FastifyInstance } from "fastify";
import { NotFoundError, ValidationError } from "@switchboard/errors";
import type { SchemaTypeProvider } from "@switchboard/http";
import type { RulesEngineParts } from "../engine-parts.js";
import { findRule } from "../rule.repository.js";
import { ruleParams } from "../rules-engine.schemas.js";
import { RULE_READERS, RULE_TAGS } from "../rules.routes.js";
import { listTimers, timerNow } from "./timer.repository.js";

export const timersQuery = {
  type: "object",
  properties: {
    state: { type: "string", enum: ["pending", "fired", "failed", "cancelled"], default: "pending" },
    limit: { type: "integer", minimum: 1, maximum: 500, default: 100 },
    after: {
      type: "string",
      maxLength: 64,
      description: "`next` of the previous page: the due time and id of its last timer",
    },
  },
  additionalProperties: false,
} as const;

/** `<dueAt ISO>~<id>`: where a page ends, in the list's order (due time, then id). */
const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)~(\d{1,15})$/;

/** `GET …/rules/{ruleId}/timers`: a rule's timers in one state (pending by default), soonest due first. */
export async function timerRoutes(server: FastifyInstance, parts: RulesEngineParts): Promise<void> {
  const app = server.withTypeProvider<SchemaTypeProvider>();
  app.get(
    "/v1/orgs/:org/rules/:ruleId/timers",
    {
      config: { auth: { roles: [...RULE_READERS] } },
      schema: {
        tags: RULE_TAGS,
        summary: "A rule's timers, soonest due first: pending (default), fired, failed or cancelled",
        params: ruleParams,
        querystring: timersQuery,
      },
    },
    async (request) => {
      const { org, ruleId } = request.params;
      const { state, limit } = request.query;
      if ((await findRule(parts.db, org, ruleId)) === undefined)
        throw new NotFoundError(`rule ${ruleId} does not exist`);
      let after: { dueAt: Date; id: number } | undefined;
      if (request.query.after !== undefined) {
        const match = CURSOR.exec(request.query.after);
        if (match === null || Number.isNaN(Date.parse(match[1]!)))
          throw new ValidationError(
            "after must be the `next` of a previous page, e.g. 2026-12-04T10:00:00.000Z~42",
          );
        after = { dueAt: new Date(match[1]!), id: Number(match[2]) };
      }
      const timers = await listTimers(parts.db, org, ruleId, { state, limit, after });
      const last = timers.at(-1);
      return {
        ruleId,
        state,
        // The timer store's clock, which due times are compared with.
        now: (await timerNow(parts.db)).toISOString(),
        timers,
        next: timers.length === limit && last !== undefined ? `${last.dueAt}~${last.id}` : null,
      };
    },
  );
}
