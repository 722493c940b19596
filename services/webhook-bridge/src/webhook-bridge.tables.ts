import type { ColumnType, Generated } from "kysely";
import type { Int8, Json } from "@switchboard/db";
import type { OutboxTables } from "@switchboard/outbox";
import type { AttemptView } from "./contracts.js";

/** The tables of the webhook_bridge schema, as its migrations leave them. */
export interface WebhookBridgeDB extends OutboxTables {
  subscriptions: {
    /** "wh_<hex>": also names the JetStream durable. */
    id: string;
    org_id: string;
    url: string;
    description: string | null;
    event_types: Json<string[]>;
    /** JSON Logic over the event, or null. */
    filter: Json<unknown> | null;
    /** `{ "target.path": <JSON Logic> }`, or null: the event as is. */
    mapping: Json<Record<string, unknown>> | null;
    /** Sealed JSON of the destination auth, or null. */
    auth: string | null;
    /** Sealed JSON of the signing secrets, newest first. */
    signing_secrets: string;
    /** Milliseconds, or null: the configured default. */
    retry_schedule: Json<number[]> | null;
    timeout_ms: number;
    /** Null: unlimited. */
    rate_limit_per_second: number | null;
    ordered: Generated<boolean>;
    enabled: Generated<boolean>;
    disabled_reason: string | null;
    /** The first failure since the last success; a save writes back what it read. */
    failing_since: ColumnType<Date | null, Date | string | null, Date | string | null>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  delivery_attempts: {
    id: Generated<Int8>;
    org_id: string;
    subscription_id: string;
    /** = webhook-id */
    message_id: string;
    event_type: string;
    stream_seq: Int8 | null;
    attempt: number;
    kind: AttemptView["kind"];
    outcome: AttemptView["outcome"];
    /** The HTTP status, if any. */
    status: number | null;
    duration_ms: number;
    error: string | null;
    response_excerpt: string | null;
    next_attempt_at: Date | null;
    created_at: Generated<Date>;
  };
}
