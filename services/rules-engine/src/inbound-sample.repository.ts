import { sql, type Kysely, type Selectable } from "kysely";
import { deleteInBatches } from "@switchboard/db";
import { SCHEMA } from "./migrations.js";
import type { RulesEngineDB } from "./rules-engine.tables.js";

/** An inbound message as the engine received it, kept for dry runs against real traffic. */
export interface InboundSample {
  id: number;
  messageId: string;
  payload: unknown;
  valid: boolean;
  receivedAt: string;
}

type Row = Pick<
  Selectable<RulesEngineDB["inbound_samples"]>,
  "id" | "message_id" | "payload" | "valid" | "received_at"
>;

const toSample = (r: Row): InboundSample => ({
  id: Number(r.id),
  messageId: r.message_id,
  payload: r.payload,
  valid: r.valid,
  receivedAt: new Date(r.received_at).toISOString(),
});

export async function insertSample(
  db: Kysely<RulesEngineDB>,
  orgId: string,
  sample: { name: string; messageId: string; payload: unknown; valid: boolean; receivedAt?: Date },
): Promise<InboundSample> {
  const row = await db
    .withSchema(SCHEMA)
    .insertInto("inbound_samples")
    .values({
      org_id: orgId,
      name: sample.name,
      message_id: sample.messageId,
      payload: JSON.stringify(sample.payload),
      valid: sample.valid,
      ...(sample.receivedAt === undefined ? {} : { received_at: sample.receivedAt }),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSample(row);
}

/** The last `n` messages received for an inbound event, newest first. */
export async function recentSamples(
  db: Kysely<RulesEngineDB>,
  orgId: string,
  name: string,
  n: number,
): Promise<InboundSample[]> {
  const rows = await db
    .withSchema(SCHEMA)
    .selectFrom("inbound_samples")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("name", "=", name)
    .orderBy("id", "desc")
    .limit(n)
    .execute();
  return rows.map(toSample);
}

/** Deletes the samples received before `before` (at most 100 per event are kept anyway). */
export function deleteSamplesBefore(db: Kysely<RulesEngineDB>, before: Date): Promise<number> {
  return deleteInBatches(db, SCHEMA, "inbound_samples", sql`received_at < ${before}`);
}
