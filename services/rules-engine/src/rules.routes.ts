import type { FastifyInstance } from "fastify";
import { NotFoundError } from "@switchboard/errors";
import { problemResponses, requestMeta, type SchemaTypeProvider } from "@switchboard/http";
import type { RulesEngineParts } from "./engine-parts.js";
import { deactivateRule, setRuleEnabled } from "./rule-activation.js";
import { findRule, findRuleVersion, listRules, type RuleHead } from "./rule.repository.js";
import {
  orgParams,
  patchRuleBody,
  ruleBody,
  ruleParams,
  savedRuleResponse,
  saveRuleQuery,
} from "./rules-engine.schemas.js";
import { saveRule } from "./save-rule.js";

export const RULE_READERS = ["content-manager", "viewer"] as const;
export const RULE_TAGS = ["rules"];

const summary = ({ orgId: _org, activeVersion, ...head }: RuleHead) => ({
  ...head,
  activeVersion: activeVersion ?? null,
});

export async function ruleRoutes(server: FastifyInstance, parts: RulesEngineParts): Promise<void> {
  const app = server.withTypeProvider<SchemaTypeProvider>();
  const { db } = parts;
  const auth = { auth: { roles: [...RULE_READERS] } };

  app.put(
    "/v1/orgs/:org/rules/:ruleId",
    {
      config: { auth: { roles: ["content-manager"] } },
      schema: {
        tags: RULE_TAGS,
        summary:
          "Save a rule document as a new version (201; 200 when equal to the latest); ?activate=true also makes it the active one. `warnings` lists what the author should look at (a var path an open object does not declare); they do not stop the save",
        params: ruleParams,
        querystring: saveRuleQuery,
        body: ruleBody,
        response: { 200: savedRuleResponse, 201: savedRuleResponse, ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      const { org, ruleId } = request.params;
      const options = { activate: request.query.activate, now: parts.source.now };
      const { created, ...state } = await saveRule(
        db,
        parts,
        requestMeta(request, org),
        ruleId,
        request.body,
        options,
      );
      parts.changed(org);
      return reply.code(created ? 201 : 200).send(state);
    },
  );

  app.get(
    "/v1/orgs/:org/rules",
    {
      config: auth,
      schema: {
        tags: RULE_TAGS,
        summary: "List rules with their active version, trigger and switch",
        params: orgParams,
      },
    },
    async (request) => ({ rules: (await listRules(db, request.params.org)).map(summary) }),
  );

  app.get(
    "/v1/orgs/:org/rules/:ruleId",
    {
      config: auth,
      schema: {
        tags: RULE_TAGS,
        summary: "Show a rule: its active (else latest) document and state",
        params: ruleParams,
      },
    },
    async (request) => {
      const { org, ruleId } = request.params;
      const head = await findRule(db, org, ruleId);
      if (head === undefined) throw new NotFoundError(`rule ${ruleId} does not exist`);
      const shown = await findRuleVersion(db, org, ruleId, head.activeVersion ?? head.latestVersion);
      return {
        ...summary(head),
        version: shown?.version,
        author: shown?.author,
        createdAt: shown?.createdAt,
        document: shown?.document,
      };
    },
  );

  app.patch(
    "/v1/orgs/:org/rules/:ruleId",
    {
      config: { auth: { roles: ["content-manager"] } },
      schema: {
        tags: RULE_TAGS,
        summary: "Enable or disable a rule without a new version",
        params: ruleParams,
        body: patchRuleBody,
        response: problemResponses(400, 409),
      },
    },
    async (request) => {
      const { org, ruleId } = request.params;
      const state = await setRuleEnabled(db, parts, org, ruleId, request.body.enabled, parts.source.now);
      parts.changed(org);
      return state;
    },
  );

  app.delete(
    "/v1/orgs/:org/rules/:ruleId",
    {
      config: { auth: { roles: ["content-manager"] } },
      schema: {
        tags: RULE_TAGS,
        summary: "Deactivate a rule; its versions and runs are kept",
        params: ruleParams,
      },
    },
    async (request, reply) => {
      await deactivateRule(db, request.params.org, request.params.ruleId, parts.source.now);
      parts.changed(request.params.org);
      return reply.code(204).send();
    },
  );
}
