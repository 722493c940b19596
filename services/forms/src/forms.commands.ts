import { formsContract } from "@switchboard/contracts";
import { commandMeta, implement, type DomainParts, type ImplementedCommands } from "@switchboard/runtime";
import { assignForm } from "./assign-form.js";
import { recordSubmission } from "./record-submission.js";
import { submitForm } from "./submit-form.js";
import type { FormsDB } from "./forms.tables.js";

/** `<ns>.cmd.forms.*`: the rules engine assigns forms through these. */
export function formsCommands(parts: DomainParts<FormsDB>): ImplementedCommands {
  return implement(formsContract, {
    async assignForm(req) {
      // Its events go to the relay straight after their commit (assignForm hands them over).
      return (await assignForm(parts, commandMeta(req), req.params)).result;
    },
    async recordSubmission(req) {
      const outcome = await recordSubmission(parts, commandMeta(req), req.params);
      if (!outcome.replayed) parts.eventsWritten();
      return outcome.result;
    },
    async submitForm(req) {
      const outcome = await submitForm(parts, commandMeta(req), req.params);
      if (!outcome.replayed) parts.eventsWritten();
      return outcome.result;
    },
  });
}
