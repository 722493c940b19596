import type { Generated } from "kysely";
import type { IdempotencyTables, Json } from "@switchboard/db";
import type { OutboxTables } from "@switchboard/outbox";

export interface RoleAssignment {
  roleId: string;
  userId: string;
}

/** The tables of the plans schema, as its migrations leave them. */
export interface PlansDB extends OutboxTables, IdempotencyTables {
  plan_templates: {
    org_id: string;
    name: string;
    roles: Json<string[]>;
    forms: Json<string[]>;
    work_queues: Json<string[]>;
    created_at: Generated<Date>;
  };
  plans: {
    id: string;
    org_id: string;
    template_name: string;
    user_id: string;
    is_test: boolean;
    role_assignments: Json<RoleAssignment[]>;
    created_at: Generated<Date>;
  };
}
