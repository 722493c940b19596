import type { Generated } from "kysely";
import type { IdempotencyTables, Json } from "@switchboard/db";
import type { OutboxTables } from "@switchboard/outbox";

/** The tables of the work_queues schema, as its migrations leave them. */
export interface WorkQueuesDB extends OutboxTables, IdempotencyTables {
  work_queues: {
    org_id: string;
    name: string;
    statuses: Json<string[]>;
    description: string | null;
    updated_at: Generated<Date>;
  };
  items: {
    id: string;
    org_id: string;
    queue_name: string;
    plan_id: string;
    status: string;
    priority: number;
    service_location: string | null;
    is_test: boolean;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
}
