import { randomUUID } from "node:crypto";

/** The same rule as the `Idempotency-Key` header: it travels in NATS headers and log lines. */
const PRINTABLE_ID = /^[\x21-\x7e]{1,200}$/;

export const MESSAGE_ID_RULE = "1 to 200 printable ASCII characters without spaces";

export function isMessageId(value: unknown): value is string {
  return typeof value === "string" && PRINTABLE_ID.test(value);
}

/** `Idempotency-Key`, else the CloudEvents id, else a new UUID (a retry without either is a new event). */
export function chooseMessageId(
  idempotencyKey: string | undefined,
  cloudEventId: string | undefined,
): string {
  return idempotencyKey ?? cloudEventId ?? randomUUID();
}

/**
 * The `Nats-Msg-Id` of an inbound event. The broker's duplicate window is per stream, and INBOUND
 * holds every org's events: with the caller's id alone, org B's "order-1" would be dropped as a
 * repeat of org A's (and A could suppress B's events by guessing its keys). Scoping by org and
 * event name keeps each org's ids its own; the caller's id travels as `Switchboard-Message-Id`,
 * which the rules engine takes as the message's id.
 */
export function brokerMessageId(orgId: string, name: string, messageId: string): string {
  return `${orgId}/${name}/${messageId}`;
}
