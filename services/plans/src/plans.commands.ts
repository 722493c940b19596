import { NotFoundError } from "@switchboard/errors";
import { plansContract } from "@switchboard/contracts";
import { commandMeta, implement, type DomainParts, type ImplementedCommands } from "@switchboard/runtime";
import { createPlan } from "./create-plan.js";
import { findTemplate } from "./plan-template.repository.js";
import { findPlan, listPlans } from "./plan.repository.js";
import type { PlansDB } from "./plans.tables.js";

/** `<ns>.cmd.plans.*`: what other services (the rules engine, forms, work queues) ask of plans. */
export function plansCommands(parts: DomainParts<PlansDB>): ImplementedCommands {
  const { db, source } = parts;
  return implement(plansContract, {
    async createPlan(req) {
      const outcome = await createPlan(db, source, commandMeta(req), req.params);
      if (!outcome.replayed) parts.eventsWritten();
      return outcome.result;
    },
    /** A plan with its template's forms and work queues, for services that attach things to plans. */
    async getPlan(req) {
      const { planId } = req.params;
      const plan = await findPlan(db, req.orgId, planId);
      if (plan === undefined) throw new NotFoundError(`plan ${planId} does not exist`);
      const template = await findTemplate(db, req.orgId, plan.templateName);
      return { plan, template: template ?? null };
    },
    async findPlans(req) {
      return { plans: await listPlans(db, req.orgId, { ...req.params, limit: 100 }) };
    },
  });
}
