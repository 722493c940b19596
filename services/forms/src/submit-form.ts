import { ConflictError, NotFoundError } from "@switchboard/errors";
import { runIdempotent } from "@switchboard/db";
import { emitEvent } from "@switchboard/outbox";
import type { ParamsOf, formsContract } from "@switchboard/contracts";
import type { CommandMeta, DomainParts } from "@switchboard/runtime";
import { findAssignmentForUpdate, markSubmitted, type FormAssignment } from "./form-assignment.repository.js";
import type { FormsDB } from "./forms.tables.js";

/** Records a submission and emits formSubmitted; a form is submitted once. */
export async function submitForm(
  parts: DomainParts<FormsDB>,
  meta: CommandMeta,
  input: ParamsOf<typeof formsContract, "submitForm">,
): Promise<{ result: FormAssignment; replayed: boolean }> {
  return runIdempotent(
    parts.db,
    parts.source.schema,
    { orgId: meta.orgId, key: meta.idempotencyKey, operation: "submitForm", request: input },
    async (trx) => {
      const current = await findAssignmentForUpdate(trx, meta.orgId, input.formAssignmentId);
      if (current === undefined)
        throw new NotFoundError(`form assignment ${input.formAssignmentId} does not exist`);
      if (current.status === "submitted") {
        throw new ConflictError(
          `form assignment ${current.id} was already submitted at ${current.submittedAt}`,
        );
      }
      const submitted = await markSubmitted(trx, meta.orgId, current.id, input.data);
      await emitEvent(trx, parts.source, meta, "formSubmitted", {
        planId: submitted.planId,
        formName: submitted.formName,
        formAssignmentId: submitted.id,
        data: input.data,
        isTest: submitted.isTest,
      });
      return submitted;
    },
  );
}
