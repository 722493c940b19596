import { randomUUID } from "node:crypto";
import { NotFoundError, ValidationError } from "@switchboard/errors";
import { runIdempotent } from "@switchboard/db";
import { emitEvent } from "@switchboard/outbox";
import type { ParamsOf, ResultOf, formsContract, plansContract } from "@switchboard/contracts";
import type { CommandMeta, DomainParts } from "@switchboard/runtime";
import { insertAssignment, type FormAssignment } from "./form-assignment.repository.js";
import type { FormsDB } from "./forms.tables.js";

export type AssignFormInput = ParamsOf<typeof formsContract, "assignForm">;

type PlanView = ResultOf<typeof plansContract, "getPlan">;

/** The plan the form goes on: by id, or the user's most recent plan of the named template. */
async function resolvePlan(
  parts: DomainParts<FormsDB>,
  meta: CommandMeta,
  input: AssignFormInput,
): Promise<PlanView> {
  let planId = input.planId;
  if (planId === undefined) {
    const templateName = input.plan!.templateName;
    const found = await parts.commands.plans.findPlans({
      orgId: meta.orgId,
      params: { userId: input.userId, templateName },
    });
    planId = found.plans[0]?.id;
    if (planId === undefined)
      throw new NotFoundError(`user "${input.userId}" has no plan of template "${templateName}"`);
  }
  return parts.commands.plans.getPlan({ orgId: meta.orgId, params: { planId } });
}

/** Assigns a form on a plan and emits formAssigned, once per idempotency key. */
export async function assignForm(
  parts: DomainParts<FormsDB>,
  meta: CommandMeta,
  input: AssignFormInput,
): Promise<{ result: FormAssignment; replayed: boolean }> {
  const { plan, template } = await resolvePlan(parts, meta, input);
  if (template !== null && template.forms.length > 0 && !template.forms.includes(input.formName)) {
    throw new ValidationError(
      `form "${input.formName}" is not a form of template "${template.name}" (forms: ${template.forms.join(", ")})`,
    );
  }
  // The key guards the request as the caller sent it (the plan it resolves to may change later).
  const request = { ...input, prefill: input.prefill ?? {} };
  return runIdempotent(
    parts.db,
    parts.source.schema,
    { orgId: meta.orgId, key: meta.idempotencyKey, operation: "assignForm", request },
    async (trx) => {
      const assignment = await insertAssignment(trx, meta.orgId, {
        id: randomUUID(),
        planId: plan.id,
        formName: input.formName,
        userId: input.userId,
        prefill: request.prefill,
        isTest: plan.isTest,
      });
      await emitEvent(trx, parts.source, meta, "formAssigned", {
        planId: assignment.planId,
        formName: assignment.formName,
        formAssignmentId: assignment.id,
        userId: assignment.userId,
        prefill: assignment.prefill,
        isTest: assignment.isTest,
      });
      return assignment;
    },
  );
}
