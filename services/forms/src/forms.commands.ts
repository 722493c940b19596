import type { CommandHandler } from "@switchboard/bus";
import { compileParamsValidator } from "@switchboard/events";
import { commandMeta, type DomainParts } from "@switchboard/runtime";
import { assignForm, type AssignFormInput } from "./assign-form.js";
import { assignFormCommand, submitFormCommand } from "./forms.schemas.js";
import { submitForm } from "./submit-form.js";
import type { FormsDB } from "./forms.tables.js";

const assignParams = compileParamsValidator<AssignFormInput>(assignFormCommand, "assignForm params");
const submitParams = compileParamsValidator<{ formAssignmentId: string; data: Record<string, unknown> }>(
  submitFormCommand,
  "submitForm params",
);

/** `<ns>.cmd.forms.*`: the rules engine assigns forms through these. */
export function formsCommands(parts: DomainParts<FormsDB>): Record<string, CommandHandler> {
  return {
    async assignForm(req) {
      const outcome = await assignForm(parts, commandMeta(req), assignParams(req.params));
      if (!outcome.replayed) parts.eventsWritten();
      return outcome.result;
    },
    async submitForm(req) {
      const outcome = await submitForm(parts, commandMeta(req), submitParams(req.params));
      if (!outcome.replayed) parts.eventsWritten();
      return outcome.result;
    },
  };
}
