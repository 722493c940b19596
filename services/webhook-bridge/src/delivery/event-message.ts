import { err, ok, type Result } from "@switchboard/errors";

/** A system event as read from EVENTS: parsed for filters and mappings, raw for the body. */
export interface EventMessage {
  messageId: string;
  eventType: string;
  orgId: string;
  traceId: string | undefined;
  /** The parsed event. */
  value: Record<string, unknown>;
  /** The payload as published. */
  raw: string;
}

const decoder = new TextDecoder();
// webhook-id travels as a header: visible ASCII, bounded.
const HEADER_SAFE = /^[\x21-\x7e]{1,256}$/;

/**
 * Reads `<ns>.events.<org>.<type>`'s payload. The type and org come from the subject, which the
 * stream vouches for; the messageId from the event, else the `Nats-Msg-Id` it was published with.
 */
export function parseEventMessage(
  subject: string,
  data: Uint8Array,
  natsMsgId: string | undefined,
): Result<EventMessage, string> {
  const tokens = subject.split(".");
  const eventType = tokens[3];
  const orgId = tokens[2];
  if (tokens.length !== 4 || tokens[1] !== "events" || eventType === undefined || orgId === undefined)
    return err(`${subject} is not a system event subject`);
  const raw = decoder.decode(data);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return err("the event is not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return err("the event is not a JSON object");
  const event = value as Record<string, unknown>;
  const messageId = typeof event.messageId === "string" ? event.messageId : natsMsgId;
  if (messageId === undefined || !HEADER_SAFE.test(messageId))
    return err("the event has no usable messageId (1 to 256 visible ASCII characters)");
  const traceId = typeof event.traceId === "string" ? event.traceId : undefined;
  return ok({ messageId, eventType, orgId, traceId, value: event, raw });
}
