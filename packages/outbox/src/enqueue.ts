import type { Kysely, Transaction } from "kysely";
import { tablesOf } from "@switchboard/db";
import type { EventEnvelope } from "@switchboard/events";
import type { OutboxTables } from "./outbox.table.js";

export interface OutboxMessage {
  subject: string;
  event: EventEnvelope;
  headers?: Record<string, string>;
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
  const outbox: Kysely<OutboxTables> = tablesOf(trx);
  const insert = outbox
    .withSchema(schema)
    .insertInto("outbox")
    .values(
      messages.map((message) => ({
        message_id: message.event.messageId,
        subject: message.subject,
        payload: JSON.stringify(message.event),
        headers: JSON.stringify({ "Switchboard-Trace-Id": message.event.traceId, ...message.headers }),
      })),
    );
  return onDuplicate === "ignore" ? insert.onConflict((oc) => oc.column("message_id").doNothing()) : insert;
}
