import type { FastifyInstance } from "fastify";
import { NotFoundError } from "@switchboard/errors";
import { problemResponses, type SchemaTypeProvider } from "@switchboard/http";
import { diffDocuments } from "@switchboard/rules";
import type { RulesEngineParts } from "./engine-parts.js";
import { activateRule } from "./rule-activation.js";
import { findRule, findRuleVersion, listRuleVersions } from "./rule.repository.js";
import { activateBody, ruleParams, versionParams, versionsQuery } from "./rules-engine.schemas.js";
import { RULE_READERS, RULE_TAGS } from "./rules.routes.js";

export async function ruleVersionRoutes(server: FastifyInstance, parts: RulesEngineParts): Promise<void> {
  const app = server.withTypeProvider<SchemaTypeProvider>();
  const { db } = parts;
  const auth = { auth: { roles: [...RULE_READERS] } };

  app.get(
    "/v1/orgs/:org/rules/:ruleId/versions",
    {
      config: auth,
      schema: {
        tags: RULE_TAGS,
        summary: "A rule's versions, oldest first, each with what changed from the one before",
        params: ruleParams,
        querystring: versionsQuery,
      },
    },
    async (request) => {
      const { org, ruleId } = request.params;
      const head = await findRule(db, org, ruleId);
      if (head === undefined) throw new NotFoundError(`rule ${ruleId} does not exist`);
      // One more than the page, so the first version shown has its predecessor to diff against.
      const page = await listRuleVersions(db, org, ruleId, {
        limit: request.query.limit + 1,
        before: request.query.before,
      });
      const shown = page.length > request.query.limit ? page.slice(1) : page;
      const previous = page.length > request.query.limit ? page[0] : undefined;
      const versions = shown.map((v, i) => ({
        version: v.version,
        author: v.author,
        createdAt: v.createdAt,
        active: v.version === head.activeVersion,
        changes: diffDocuments((i === 0 ? previous : shown[i - 1])?.document, v.document),
      }));
      return {
        ruleId,
        activeVersion: head.activeVersion ?? null,
        latestVersion: head.latestVersion,
        versions,
      };
    },
  );

  app.get(
    "/v1/orgs/:org/rules/:ruleId/versions/:version",
    {
      config: auth,
      schema: { tags: RULE_TAGS, summary: "One saved version of a rule", params: versionParams },
    },
    async (request) => {
      const { org, ruleId, version } = request.params;
      const found = await findRuleVersion(db, org, ruleId, version);
      if (found === undefined) throw new NotFoundError(`rule ${ruleId} has no version ${version}`);
      return found;
    },
  );

  app.post(
    "/v1/orgs/:org/rules/:ruleId/activate",
    {
      config: { auth: { roles: ["content-manager"] } },
      schema: {
        tags: RULE_TAGS,
        summary:
          "Make a saved version the active one (rollback: activate an older one); 409 if it no longer fits its trigger's schema",
        params: ruleParams,
        body: activateBody,
        response: problemResponses(400, 409),
      },
    },
    async (request) => {
      const { org, ruleId } = request.params;
      const state = await activateRule(db, parts, org, ruleId, request.body.version, parts.source.now);
      parts.changed(org);
      return state;
    },
  );
}
