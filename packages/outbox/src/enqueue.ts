import { sql, type Kysely, type Transaction } from "kysely";
import { tablesOf } from "@switchboard/db";
import type { EventEnvelope } from "@switchboard/events";
import { OUTBOX_ROW_COLUMNS, type OutboxTables } from "./outbox.table.js";

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
  await enqueuingEvents(trx, schema, messages, onDuplicate)?.execute();
}

/** The statement enqueueEvents runs, to run with others; undefined for no events. */
export function enqueuingEvents<DB extends OutboxTables>(
  trx: Transaction<DB> | Kysely<DB>,
  schema: string,
  messages: readonly OutboxMessage[],
  onDuplicate: "error" | "ignore" = "error",
) {
  if (messages.length === 0) return undefined;
  const insert = inserting(trx, schema, messages, {});
  return onDuplicate === "ignore" ? insert.onConflict((oc) => oc.column("message_id").doNothing()) : insert;
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
export function enqueuingClaimedEvents<DB extends OutboxTables>(
  trx: Transaction<DB> | Kysely<DB>,
  schema: string,
  messages: readonly OutboxMessage[],
  claim: OutboxClaim,
) {
  if (messages.length === 0) return undefined;
  return inserting(trx, schema, messages, {
    claimed_by: claim.relayId,
    claimed_until: sql<Date>`now() + ${`${claim.leaseMs} milliseconds`}::interval`,
    attempts: 1,
  })
    .onConflict((oc) => oc.column("message_id").doNothing())
    .returning(OUTBOX_ROW_COLUMNS);
}

function inserting<DB extends OutboxTables>(
  trx: Transaction<DB> | Kysely<DB>,
  schema: string,
  messages: readonly OutboxMessage[],
  claim: { claimed_by?: string; claimed_until?: ReturnType<typeof sql<Date>>; attempts?: number },
) {
  const outbox: Kysely<OutboxTables> = tablesOf(trx);
  return outbox
    .withSchema(schema)
    .insertInto("outbox")
    .values(
      messages.map((message) => ({
        message_id: message.event.messageId,
        subject: message.subject,
        payload: message.text ?? JSON.stringify(message.event),
        headers: JSON.stringify({ "Switchboard-Trace-Id": message.event.traceId, ...message.headers }),
        ...claim,
      })),
    );
}
