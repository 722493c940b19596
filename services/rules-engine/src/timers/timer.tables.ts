import type { Generated } from "kysely";
import type { Int8, Json } from "@switchboard/db";
import type { ResolvedAction } from "@switchboard/rules";

/** pending → fired | failed (its actions ran, or gave up) | cancelled (a follow-up, or its rule off). */
export type TimerState = "pending" | "fired" | "failed" | "cancelled";

/** The timer tables of the rules_engine schema (timer.migration.ts). */
export interface TimerTables {
  rule_timers: {
    id: Generated<Int8>;
    org_id: string;
    rule_id: string;
    version: number;
    /** `<dedupKey>/<ruleId>@<version>`: the starting message and rule; unique per org. */
    timer_key: string;
    /** The starting message's dedup key, which names it in the fired actions' idempotency keys. */
    dedup_key: string;
    trigger_kind: "inbound" | "event";
    trigger_name: string;
    message_id: string;
    trace_id: string;
    /** What a follow-up cancels it by; null: nothing cancels it. */
    cancel_key: string | null;
    /** The starting message's time, which `after` counts from. */
    base_at: Date;
    due_at: Date;
    /** When the firing loop next takes it: the due time, later after a transient failure. */
    next_at: Date;
    state: Generated<TimerState>;
    input: Json<unknown>;
    /** The rule's actions, resolved on the starting message. */
    actions: Json<ResolvedAction[]>;
    attempts: Generated<number>;
    last_error: string | null;
    /** The message id of the follow-up that cancelled it. */
    finished_by: string | null;
    created_at: Generated<Date>;
    finished_at: Date | null;
  };
  timer_cancellations: {
    org_id: string;
    rule_id: string;
    cancel_key: string;
    message_id: string;
    /** The follow-up's time: it cancels the timers its rule started from messages up to then. */
    occurred_at: Date;
    created_at: Generated<Date>;
  };
}
