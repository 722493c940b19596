import type { FastifyInstance } from "fastify";
import { ConflictError, NotFoundError } from "@switchboard/errors";
import { problemResponses, requestMeta, type SchemaTypeProvider } from "@switchboard/http";
import { sendOutcome, type DomainParts } from "@switchboard/runtime";
import { createPlan } from "./create-plan.js";
import { findTemplate, insertTemplate, listTemplates } from "./plan-template.repository.js";
import { findPlan, listPlans } from "./plan.repository.js";
import {
  createPlanBody,
  listPlansQuery,
  orgParams,
  planIdParams,
  templateBody,
  templateNameParams,
} from "./plans.schemas.js";
import type { PlansDB } from "./plans.tables.js";

const READERS = ["viewer", "app", "content-manager"] as const;

export async function plansRoutes(server: FastifyInstance, parts: DomainParts<PlansDB>): Promise<void> {
  const { db } = parts;
  const app = server.withTypeProvider<SchemaTypeProvider>();

  app.post(
    "/v1/orgs/:org/plan-templates",
    {
      config: { auth: { roles: ["content-manager"] } },
      schema: {
        tags: ["plans"],
        summary: "Create a plan template",
        params: orgParams,
        body: templateBody,
        response: problemResponses(400, 409),
      },
    },
    async (request, reply) => {
      const { name, roles, forms = [], workQueues = [] } = request.body;
      const template = await insertTemplate(db, request.params.org, { name, roles, forms, workQueues });
      if (template === undefined) throw new ConflictError(`plan template "${name}" already exists`);
      return reply.code(201).send(template);
    },
  );

  app.get(
    "/v1/orgs/:org/plan-templates",
    {
      config: { auth: { roles: [...READERS] } },
      schema: { tags: ["plans"], summary: "List plan templates", params: orgParams },
    },
    async (request) => ({ planTemplates: await listTemplates(db, request.params.org) }),
  );

  app.get(
    "/v1/orgs/:org/plan-templates/:name",
    {
      config: { auth: { roles: [...READERS] } },
      schema: { tags: ["plans"], summary: "Show a plan template", params: templateNameParams },
    },
    async (request) => {
      const template = await findTemplate(db, request.params.org, request.params.name);
      if (template === undefined)
        throw new NotFoundError(`plan template "${request.params.name}" does not exist`);
      return template;
    },
  );

  app.post(
    "/v1/orgs/:org/plans",
    {
      config: { auth: { roles: ["app"] } },
      schema: {
        tags: ["plans"],
        summary: "Create a plan from a template (emits planCreated); honours Idempotency-Key",
        params: orgParams,
        body: createPlanBody,
        response: problemResponses(400, 409),
      },
    },
    async (request, reply) => {
      const outcome = await createPlan(
        db,
        parts.source,
        requestMeta(request, request.params.org),
        request.body,
      );
      return sendOutcome(parts, reply, 201, outcome);
    },
  );

  app.get(
    "/v1/orgs/:org/plans",
    {
      config: { auth: { roles: [...READERS] } },
      schema: { tags: ["plans"], summary: "List plans", params: orgParams, querystring: listPlansQuery },
    },
    async (request) => ({ plans: await listPlans(db, request.params.org, request.query) }),
  );

  app.get(
    "/v1/orgs/:org/plans/:planId",
    {
      config: { auth: { roles: [...READERS] } },
      schema: { tags: ["plans"], summary: "Show a plan", params: planIdParams },
    },
    async (request) => {
      const plan = await findPlan(db, request.params.org, request.params.planId);
      if (plan === undefined) throw new NotFoundError(`plan ${request.params.planId} does not exist`);
      return plan;
    },
  );
}
