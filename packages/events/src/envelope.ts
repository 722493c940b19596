import { randomUUID } from "node:crypto";
import { ValidationError } from "@switchboard/errors";
import type { InfoFor } from "./event-types.js";
import { assertEventType, assertNamespace, assertOrgId, isToken } from "./names.js";

/** A system event as it travels on the bus, in the outbox and in webhook bodies. */
export type EventEnvelope<I = Record<string, unknown>> = {
  /** Unique id; also the Nats-Msg-Id (broker dedup) and the webhook-id (receiver dedup). */
  messageId: string;
  /** ISO-8601, UTC. */
  occurredAt: string;
  /** `<namespace>.<orgId>.<eventType>`. */
  messageType: string;
  orgId: string;
  /** The user who triggered the event. */
  requestedBy: string;
  /** The messageId of the event that started the chain, carried across hops. */
  traceId: string;
  /** The deployment that emitted the event. */
  branch: string;
  info: I;
};

export type BuildEventInput<T extends string = string> = {
  namespace: string;
  orgId: string;
  eventType: T;
  requestedBy: string;
  /** The trace this event continues; omitted, the event starts a trace of its own. */
  traceId?: string;
  branch: string;
  info: InfoFor<T>;
  messageId?: string;
  /** Injected clock, so tests and replays can fix `occurredAt`. */
  now?: () => Date;
};

export type MessageType = { namespace: string; orgId: string; eventType: string };

/**
 * Assembles an envelope. Names are checked here because they become part of `messageType` and
 * of the subject; the payload itself is checked against the event's schema by the registry.
 */
export function buildEvent<T extends string>(input: BuildEventInput<T>): EventEnvelope<InfoFor<T>> {
  const namespace = assertNamespace(input.namespace);
  const orgId = assertOrgId(input.orgId);
  const eventType = assertEventType(input.eventType);
  const occurred = (input.now ?? (() => new Date()))();
  if (Number.isNaN(occurred.getTime()))
    throw new ValidationError("occurredAt: the clock gave an invalid date");
  const messageId = input.messageId ?? randomUUID();
  return {
    messageId,
    occurredAt: occurred.toISOString(),
    messageType: `${namespace}.${orgId}.${eventType}`,
    orgId,
    requestedBy: input.requestedBy,
    // An event that starts a trace is its own origin.
    traceId: input.traceId ?? messageId,
    branch: input.branch,
    info: input.info,
  };
}

/** Splits `<namespace>.<orgId>.<eventType>`; undefined when it does not have that shape. */
export function parseMessageType(messageType: string): MessageType | undefined {
  const parts = messageType.split(".");
  if (parts.length !== 3 || !parts.every(isToken)) return undefined;
  const [namespace, orgId, eventType] = parts as [string, string, string];
  return { namespace, orgId, eventType };
}

export function eventTypeOf(envelope: Pick<EventEnvelope<unknown>, "messageType">): string | undefined {
  return parseMessageType(envelope.messageType)?.eventType;
}
