import { Batcher } from "@switchboard/bus";
import { NotFoundError } from "@switchboard/errors";
import { plansContract, type ResultOf } from "@switchboard/contracts";
import { commandMeta, implement, type DomainParts, type ImplementedCommands } from "@switchboard/runtime";
import { createPlan } from "./create-plan.js";
import { findTemplatesByName } from "./plan-template.repository.js";
import { findPlansById, listPlansOfUsers, type Plan, type UserPlansQuery } from "./plan.repository.js";
import type { PlansDB } from "./plans.tables.js";

type PlanView = ResultOf<typeof plansContract, "getPlan">;
type FoundPlans = ResultOf<typeof plansContract, "findPlans">;

/** Most plans findPlans answers. */
const FIND_LIMIT = 100;

/**
 * `<ns>.cmd.plans.*`: what other services (the rules engine, forms, work queues) ask of plans.
 * Lookups asked for at the same time (a batch of the rules engine's actions, each assigning a form
 * on a plan) are answered together: one statement for all of them instead of one each, up to the
 * 256 messages the engine works on at once by default.
 */
export function plansCommands(parts: DomainParts<PlansDB>): ImplementedCommands {
  const { db, source } = parts;
  const plans = new Batcher<{ orgId: string; id: string }, PlanView | undefined>(
    async (refs) => {
      const found = await findPlansById(db, refs);
      const templates = await findTemplatesByName(
        db,
        found.flatMap((plan, i) =>
          plan === undefined ? [] : [{ orgId: refs[i]!.orgId, name: plan.templateName }],
        ),
      );
      let t = 0;
      return found.map((plan) =>
        plan === undefined ? undefined : { plan, template: templates[t++] ?? null },
      );
    },
    { maxBatch: 256 },
  );
  const usersPlans = new Batcher<UserPlansQuery, FoundPlans>(
    async (queries) => {
      const found = await listPlansOfUsers(db, queries, FIND_LIMIT);
      // The templates the plans name, for all the queries in one statement (findTemplatesByName
      // answers each ref in order): forms needs the plan's template, and need not ask getPlan for it.
      const names = found.map((plans) => [...new Set(plans.map((p) => p.templateName))]);
      const templates = await findTemplatesByName(
        db,
        names.flatMap((of, i) => of.map((name) => ({ orgId: queries[i]!.orgId, name }))),
      );
      let t = 0;
      return found.map((plans, i) => ({ plans, templates: names[i]!.flatMap(() => templates[t++] ?? []) }));
    },
    { maxBatch: 256 },
  );
  return implement(plansContract, {
    async createPlan(req) {
      const outcome = await createPlan(db, source, commandMeta(req), req.params);
      if (!outcome.replayed) parts.eventsWritten();
      return outcome.result;
    },
    /** A plan with its template's forms and work queues, for services that attach things to plans. */
    async getPlan(req) {
      const { planId } = req.params;
      const found = await plans.submit({ orgId: req.orgId, id: planId });
      if (found === undefined) throw new NotFoundError(`plan ${planId} does not exist`);
      return found;
    },
    async findPlans(req) {
      return usersPlans.submit({ orgId: req.orgId, ...req.params });
    },
  });
}
