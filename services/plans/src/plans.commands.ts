import type { CommandHandler } from "@switchboard/bus";
import { NotFoundError } from "@switchboard/errors";
import { compileParamsValidator } from "@switchboard/events";
import { commandMeta, type DomainParts } from "@switchboard/runtime";
import { createPlan, type CreatePlanInput } from "./create-plan.js";
import { findTemplate } from "./plan-template.repository.js";
import { findPlan, listPlans } from "./plan.repository.js";
import { createPlanBody, findPlansParams, getPlanParams } from "./plans.schemas.js";
import type { PlansDB } from "./plans.tables.js";

const createParams = compileParamsValidator<CreatePlanInput>(createPlanBody, "createPlan params");
const getParams = compileParamsValidator<{ planId: string }>(getPlanParams, "getPlan params");
const findParams = compileParamsValidator<{ userId: string; templateName?: string }>(
  findPlansParams,
  "findPlans params",
);

/** `<ns>.cmd.plans.*`: what other services (the rules engine, forms, work queues) ask of plans. */
export function plansCommands(parts: DomainParts<PlansDB>): Record<string, CommandHandler> {
  const { db, source } = parts;
  return {
    async createPlan(req) {
      const outcome = await createPlan(db, source, commandMeta(req), createParams(req.params));
      if (!outcome.replayed) parts.eventsWritten();
      return outcome.result;
    },
    /** A plan with its template's forms and work queues, for services that attach things to plans. */
    async getPlan(req) {
      const { planId } = getParams(req.params);
      const plan = await findPlan(db, req.orgId, planId);
      if (plan === undefined) throw new NotFoundError(`plan ${planId} does not exist`);
      const template = await findTemplate(db, req.orgId, plan.templateName);
      return { plan, template: template ?? null };
    },
    async findPlans(req) {
      const filter = findParams(req.params);
      return { plans: await listPlans(db, req.orgId, { ...filter, limit: 100 }) };
    },
  };
}
