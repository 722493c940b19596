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
    key: string | null;
    assignee: string | null;
    is_test: boolean;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  /** A proposed change (one per item put on a queue by proposeChange) and its decision. */
  proposals: {
    item_id: string;
    org_id: string;
    change: Json<{ service: string; command: string; params: Record<string, unknown> }>;
    apply_key: string;
    status: "pending" | "approved" | "applied" | "rejected" | "failed";
    decided_by: string | null;
    decided_at: Date | null;
    reason: string | null;
    outcome: Json<unknown> | null;
  };
}
