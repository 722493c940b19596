import type { Kysely, Transaction } from "kysely";
import { SwitchboardError, ErrorCodes } from "@switchboard/errors";
import { buildEvent, eventSubject, type EventEnvelope, type SchemaRegistry } from "@switchboard/events";
import { enqueueEvents, enqueuingClaimedEvents, type OutboxClaim } from "./enqueue.js";
import type { OutboxRow, OutboxTables } from "./outbox.table.js";

/** What every event a service emits shares: where it is published and which deployment says it. */
export interface EventSource {
  namespace: string;
  branch: string;
  schema: string;
  schemas: SchemaRegistry;
  now: () => Date;
  /**
   * The largest message the event bus accepts (NATS `max_payload`). An event that could not be
   * published would block the outbox forever, so it is refused while its transaction can still roll back.
   */
  maxEventBytes?: number | undefined;
}

/** Room kept for the headers the relay adds (message id, trace id, expected stream). */
export const EVENT_HEADER_ALLOWANCE = 1024;

export interface EventCause {
  orgId: string;
  requestedBy: string;
  traceId?: string | undefined;
}

/** One event to emit: what caused it, its type and its info. */
export interface EventToEmit<I extends object = object> {
  cause: EventCause;
  eventType: string;
  info: I;
}

/**
 * Builds a system event, checks it against its published schema (a service must never emit an event
 * its subscribers cannot validate), and writes it to the outbox in the caller's transaction.
 */
export async function emitEvent<DB extends OutboxTables, I extends object>(
  trx: Transaction<DB> | Kysely<DB>,
  source: EventSource,
  cause: EventCause,
  eventType: string,
  info: I,
): Promise<EventEnvelope> {
  const [event] = await emitEvents(trx, source, [{ cause, eventType, info }]);
  return event!;
}

/** emitEvent for many events, written to the outbox in one statement, in the order given. */
export async function emitEvents<DB extends OutboxTables>(
  trx: Transaction<DB> | Kysely<DB>,
  source: EventSource,
  events: readonly EventToEmit[],
): Promise<EventEnvelope[]> {
  const built = events.map((e) => checkedEvent(source, e));
  await enqueueEvents(trx, source.schema, built);
  return built.map((b) => b.event);
}

/**
 * emitEvents for the hot path: the events are written claimed by a relay (`claim`, the service's
 * `outbox.claim`) and their rows returned, to hand to that relay (`outbox.publish`) once the
 * transaction commits; never before, nor when it rolls back.
 */
export async function emitClaimedEvents<DB extends OutboxTables>(
  trx: Transaction<DB> | Kysely<DB>,
  source: EventSource,
  events: readonly EventToEmit[],
  claim: OutboxClaim,
): Promise<OutboxRow[]> {
  const built = events.map((e) => checkedEvent(source, e));
  return (await enqueuingClaimedEvents(source.schema, built, claim)?.execute(trx))?.rows ?? [];
}

/** The event built, checked against its schema and its size; the subject it goes on and its JSON text. */
function checkedEvent(
  source: EventSource,
  { cause, eventType, info }: EventToEmit,
): { subject: string; event: EventEnvelope; text: string } {
  const event = buildEvent({
    namespace: source.namespace,
    branch: source.branch,
    orgId: cause.orgId,
    requestedBy: cause.requestedBy,
    traceId: cause.traceId,
    eventType,
    info: info as Record<string, unknown>,
    now: source.now,
  });
  const checked = source.schemas.validate(eventType, event);
  if (!checked.ok) {
    throw new SwitchboardError(
      ErrorCodes.Internal,
      `refusing to emit a ${eventType} event that breaks its schema`,
      {
        details: checked.error,
      },
    );
  }
  // Written once: its size is checked here and the outbox stores this text.
  const text = JSON.stringify(event);
  assertPublishable(source, eventType, text);
  return { subject: eventSubject(source.namespace, cause.orgId, eventType), event, text };
}

function assertPublishable(source: EventSource, eventType: string, text: string): void {
  if (source.maxEventBytes === undefined) return;
  const limit = source.maxEventBytes - EVENT_HEADER_ALLOWANCE;
  const size = Buffer.byteLength(text, "utf8");
  if (size > limit) {
    throw new SwitchboardError(
      ErrorCodes.BodyTooLarge,
      `the ${eventType} event this would publish is ${size} bytes, more than the event bus carries (${limit} bytes); send less data`,
    );
  }
}
