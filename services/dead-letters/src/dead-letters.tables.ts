import type { Generated } from "kysely";
import type { Int8 } from "@switchboard/db";

/** The tables of the dead_letters schema, as its migrations leave them. */
export interface DeadLettersDB {
  /** The desk's trail; the entries themselves stay in the DLQ stream. */
  actions: {
    id: Generated<Int8>;
    org_id: string;
    dlq_seq: Int8;
    action: "retried" | "resolved";
    comment: string | null;
    by: string;
    new_msg_id: string | null;
    created_at: Generated<Date>;
  };
}
