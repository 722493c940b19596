import { sql, type Kysely, type Transaction } from "kysely";
import { jsonRecords } from "@switchboard/db";
import type { EventEnvelope } from "@switchboard/events";
import { OUTBOX_ROW_COLUMNS, type OutboxRow, type OutboxTables } from "./outbox.table.js";

export interface OutboxMessage {
  subject: string;
  event: EventEnvelope;
  headers?: Record<string, string>;
  /** `JSON.stringify(event)`, when the caller has it already; stored and published as it is. */
  text?: string;
}

/**
 * Writes an event to the service's outbox inside the caller's transaction, so the event exists
 * exactly when the state change it describes does. The relay publishes it later.
 */
export async function enqueueEvent<DB extends OutboxTables>(
  trx: Transaction<DB> | Kysely<DB>,
  schema: string,
  message: OutboxMessage,
  /** "ignore": an event whose messageId is already in the outbox is not written again (deterministic ids). */
  onDuplicate: "error" | "ignore" = "error",
): Promise<void> {
  await enqueueEvents(trx, schema, [message], onDuplicate);
}

/** enqueueEvent for many events in one statement, in the order given. */
export async function enqueueEvents<DB extends OutboxTables>(
  trx: Transaction<DB> | Kysely<DB>,
  schema: string,
  messages: readonly OutboxMessage[],
  onDuplicate: "error" | "ignore" = "error",
): Promise<void> {
  await enqueuingEvents(schema, messages, onDuplicate)?.execute(trx);
}

/** The statement enqueueEvents runs, to run with others; undefined for no events. */
export function enqueuingEvents(
  schema: string,
  messages: readonly OutboxMessage[],
  onDuplicate: "error" | "ignore" = "error",
) {
  if (messages.length === 0) return undefined;
  const insert = inserting(schema, messages, undefined);
  return onDuplicate === "ignore" ? sql`${insert} on conflict (message_id) do nothing` : insert;
}

/**
 * Rows enqueued already claimed by a relay (OutboxRelay.handoff), for a short lease: the writer
 * hands them to that relay after its commit, which publishes them at once instead of at its next
 * pass, and no other pass takes them meanwhile. Should the writer die before, they are any relay's
 * once the lease is over.
 */
export interface OutboxClaim {
  relayId: string;
  leaseMs: number;
}

/**
 * The statement that enqueues events claimed by a relay, to run with others in the writer's
 * transaction; it returns the rows it wrote, to hand to that relay once the transaction commits. An
 * event whose messageId is in the outbox already is not written again, nor returned (deterministic
 * ids: whoever wrote it first publishes it). Undefined for no events.
 */
export function enqueuingClaimedEvents(
  schema: string,
  messages: readonly OutboxMessage[],
  claim: OutboxClaim,
) {
  if (messages.length === 0) return undefined;
  return sql<OutboxRow>`${inserting(schema, messages, claim)} on conflict (message_id) do nothing
    returning ${sql.raw(OUTBOX_ROW_COLUMNS.join(", "))}`;
}

/** The rows go as one JSON parameter (jsonRecords), in the order given. */
function inserting(schema: string, messages: readonly OutboxMessage[], claim: OutboxClaim | undefined) {
  const table = `${schema}.outbox`;
  const rows = jsonRecords(
    table,
    messages.map((message) => ({
      message_id: message.event.messageId,
      subject: message.subject,
      payload: message.text ?? JSON.stringify(message.event),
      headers: { "Switchboard-Trace-Id": message.event.traceId, ...message.headers },
    })),
  );
  return claim === undefined
    ? sql`insert into ${sql.table(table)} (message_id, subject, payload, headers)
        select message_id, subject, payload, headers from ${rows}`
    : sql`insert into ${sql.table(table)} (message_id, subject, payload, headers, claimed_by, claimed_until, attempts)
        select message_id, subject, payload, headers, ${claim.relayId},
          now() + ${`${claim.leaseMs} milliseconds`}::interval, 1
        from ${rows}`;
}
