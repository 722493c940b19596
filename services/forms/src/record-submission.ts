import { randomUUID } from "node:crypto";
import { runIdempotent } from "@switchboard/db";
import { emitEvent } from "@switchboard/outbox";
import type { ParamsOf, formsContract } from "@switchboard/contracts";
import type { CommandMeta, DomainParts } from "@switchboard/runtime";
import { checkFormOf, resolvePlan } from "./assign-form.js";
import { insertAssignments, markSubmitted, type FormAssignment } from "./form-assignment.repository.js";
import type { FormsDB } from "./forms.tables.js";

/**
 * A form filled in elsewhere, stored on the person's plan: assigned and submitted in one
 * transaction (formAssigned, then formSubmitted), once per idempotency key.
 */
export async function recordSubmission(
  parts: DomainParts<FormsDB>,
  meta: CommandMeta,
  input: ParamsOf<typeof formsContract, "recordSubmission">,
): Promise<{ result: FormAssignment; replayed: boolean }> {
  const { plan, template } = await resolvePlan(parts, meta, input);
  checkFormOf(template, input.formName);
  return runIdempotent(
    parts.db,
    parts.source.schema,
    { orgId: meta.orgId, key: meta.idempotencyKey, operation: "recordSubmission", request: input },
    async (trx) => {
      const [assigned] = await insertAssignments(trx, [
        {
          orgId: meta.orgId,
          id: randomUUID(),
          planId: plan.id,
          formName: input.formName,
          userId: input.userId,
          prefill: {},
          isTest: plan.isTest,
        },
      ]);
      const { id, planId, formName, userId, isTest } = assigned!;
      await emitEvent(trx, parts.source, meta, "formAssigned", {
        planId,
        formName,
        formAssignmentId: id,
        userId,
        prefill: {},
        isTest,
      });
      const submitted = await markSubmitted(trx, meta.orgId, id, input.data);
      await emitEvent(trx, parts.source, meta, "formSubmitted", {
        planId,
        formName,
        formAssignmentId: id,
        data: input.data,
        isTest,
      });
      return submitted;
    },
  );
}
