import type { Generated } from "kysely";
import type { IdempotencyTables, Json } from "@switchboard/db";
import type { FORM_ASSIGNMENT_STATUS, Infer } from "@switchboard/contracts";
import type { OutboxTables } from "@switchboard/outbox";

/** The forms contract's statuses of an assignment, as its column holds them. */
export type AssignmentStatus = Infer<typeof FORM_ASSIGNMENT_STATUS>;

/** The tables of the forms schema, as its migrations leave them. */
export interface FormsDB extends OutboxTables, IdempotencyTables {
  form_assignments: {
    id: string;
    org_id: string;
    plan_id: string;
    form_name: string;
    user_id: string;
    prefill: Json<Record<string, unknown>>;
    is_test: boolean;
    status: AssignmentStatus;
    data: Json<Record<string, unknown>> | null;
    created_at: Generated<Date>;
    submitted_at: Date | null;
  };
}
