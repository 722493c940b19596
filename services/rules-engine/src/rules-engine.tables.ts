import type { Generated } from "kysely";
import type { Int8, Json } from "@switchboard/db";
import type { OutboxTables } from "@switchboard/outbox";
import type { DedupSpec, RuleDocument } from "@switchboard/rules";
import type { TimerTables } from "./timers/timer.tables.js";

/** What triggers a rule: an inbound event of the org, or a system event. */
export type TriggerKind = "inbound" | "event";

/** The tables of the rules_engine schema, as its migrations leave them. */
export interface RulesEngineDB extends OutboxTables, TimerTables {
  inbound_definitions: {
    org_id: string;
    name: string;
    description: string;
    schema: Json<Record<string, unknown>>;
    dedup: Json<DedupSpec>;
    version: number;
    updated_by: string;
    updated_at: Generated<Date>;
  };
  /** trigger_* are the active version's trigger, or the latest version's while none is active. */
  rules: {
    org_id: string;
    rule_id: string;
    enabled: boolean;
    active_version: number | null;
    latest_version: number;
    trigger_kind: TriggerKind;
    trigger_name: string;
    updated_at: Generated<Date>;
  };
  /** Immutable: the database refuses to change or delete a version. */
  rule_versions: {
    org_id: string;
    rule_id: string;
    version: number;
    document: Json<RuleDocument>;
    author: string;
    created_at: Generated<Date>;
  };
  rule_runs: {
    id: Generated<Int8>;
    org_id: string;
    rule_id: string;
    version: number;
    trigger_kind: TriggerKind;
    trigger_name: string;
    message_id: string;
    dedup_key: string;
    status: string;
    input: Json<unknown>;
    actions: Json<unknown>;
    error: string | null;
    created_at: Generated<Date>;
    payload_removed_at: Date | null;
  };
  dedup_claims: {
    org_id: string;
    event_name: string;
    kind: string;
    value: string;
    message_id: string;
    status: "processing" | "done";
    claimed_at: Generated<Date>;
    done_at: Date | null;
    /** The stream copy holding the claim. */
    holder: string | null;
  };
  inbound_samples: {
    id: Generated<Int8>;
    org_id: string;
    name: string;
    message_id: string;
    payload: Json<unknown>;
    valid: boolean;
    received_at: Generated<Date>;
  };
}
