import { randomUUID } from "node:crypto";
import {
  encodePayload,
  type JetStreamManager,
  type PipelinedMessage,
  type PipelinedPublisher,
  type PubAck,
} from "@switchboard/bus";
import { ErrorCodes, SwitchboardError, UnavailableError } from "@switchboard/errors";
import { inboundSubject, type SchemaError } from "@switchboard/events";
import type { ByteQuota } from "./byte-quota.js";
import type { InboundEvent } from "./cloudevents.js";
import type { Declaration } from "./definition-cache.js";
import { brokerMessageId } from "./message-id.js";

export interface IngestParts {
  /** Publishes to INBOUND, the publishes of concurrent requests together. */
  publisher: PipelinedPublisher;
  jsm(): Promise<JetStreamManager>;
  namespace: string;
  inboundStream: string;
  /** The server's max_payload, once connected. */
  maxPayloadBytes: () => number | undefined;
  isUp: () => boolean;
  /** Each org's inbound bytes per day, all replicas together. */
  quota: ByteQuota;
}

export interface IngestTarget {
  orgId: string;
  declaration: Declaration;
}

/** One event's outcome; NATS failures are thrown (503), not returned. */
export type IngestResult =
  | { outcome: "accepted"; messageId: string; seq: number; duplicate: boolean } // 202
  | { outcome: "invalid"; messageId: string; errors: SchemaError[] }; // 422

// Room for the headers the client adds itself (Nats-Msg-Id, Nats-Expected-Stream) and the framing.
const HEADER_OVERHEAD_BYTES = 256;

/**
 * Validates one event against its declaration and, if it conforms, publishes it to INBOUND and
 * waits for the PubAck: "accepted" means the event is stored. A repeat of an id inside the
 * broker's duplicate window is accepted as a duplicate and stores nothing.
 */
export async function ingestEvent(
  parts: IngestParts,
  target: IngestTarget,
  event: InboundEvent,
  ids: { messageId: string; traceId: string | undefined },
): Promise<IngestResult> {
  const { messageId } = ids;
  const checked = target.declaration.validate(event.payload);
  if (!checked.ok) return { outcome: "invalid", messageId, errors: checked.error };
  const name = target.declaration.name;
  const msgId = brokerMessageId(target.orgId, name, messageId);
  const headers: Record<string, string> = {
    "Switchboard-Message-Id": messageId,
    "Switchboard-Trace-Id": ids.traceId ?? messageId,
  };
  if (event.cloudEvent !== undefined) {
    headers["ce-id"] = event.cloudEvent.id;
    headers["ce-source"] = event.cloudEvent.source;
    headers["ce-type"] = event.cloudEvent.type;
  }
  // The body's own bytes when it is the payload: no second encoding of what the client sent.
  const data = event.raw ?? encodePayload(event.payload);
  const bytes = data.length + headerBytes(headers) + msgId.length;
  assertFits(bytes, parts.maxPayloadBytes());
  if (!parts.isUp()) {
    throw new UnavailableError("NATS is unreachable; the event was not stored, send it again later", {
      details: { retryAfterSeconds: 5 },
    });
  }
  await chargeQuota(parts.quota, target.orgId, bytes);
  const message = { subject: inboundSubject(parts.namespace, target.orgId, name), data, msgId, headers };
  try {
    const receipt = await publishInbound(parts, message);
    if (receipt.duplicate && !(await storedOn(parts, receipt.seq, message.subject))) {
      // The id is held by a message on another subject: another org's third party published with
      // this org's id on NATS (the duplicate window spans the stream). Store the event under an id
      // no one can take; the rules engine still knows it by its own id (Switchboard-Message-Id).
      const stored = await publishInbound(parts, { ...message, msgId: `${msgId}/${randomUUID()}` });
      return { outcome: "accepted", messageId, seq: stored.seq, duplicate: false };
    }
    return { outcome: "accepted", messageId, seq: receipt.seq, duplicate: receipt.duplicate };
  } catch (error) {
    // Not stored (as far as the answer tells): the client sends it again, and pays for it then.
    parts.quota.refund(target.orgId, bytes);
    throw error;
  }
}

function publishInbound(
  parts: IngestParts,
  message: Omit<PipelinedMessage, "expectStream">,
): Promise<PubAck> {
  return parts.publisher.publish({ ...message, expectStream: parts.inboundStream });
}

/** Counts the event's bytes against the org's daily quota; refused with 429 once it is used up. */
async function chargeQuota(quota: ByteQuota, orgId: string, bytes: number): Promise<void> {
  const decision = await quota.charge(orgId, bytes);
  if (decision.allowed) return;
  throw new SwitchboardError(
    ErrorCodes.QuotaExceeded,
    `org "${orgId}" has put ${decision.usedBytes} of its ${quota.bytesPerDay} bytes per day on the bus; this event needs ${bytes} more; the quota resets at ${decision.resetsAt}`,
    { details: { retryAfterSeconds: decision.retryAfterSeconds } },
  );
}

/** Whether the message the broker says holds the id (the PubAck's sequence) is on this subject. */
async function storedOn(parts: IngestParts, seq: number, subject: string): Promise<boolean> {
  const stored = await (await parts.jsm()).streams.getMessage(parts.inboundStream, { seq }).catch(() => null);
  // A message that aged out of the stream since cannot be told apart: trust the broker.
  return stored === null || stored.subject === subject;
}

function headerBytes(headers: Record<string, string>): number {
  let total = HEADER_OVERHEAD_BYTES;
  for (const [key, value] of Object.entries(headers)) total += key.length + value.length + 4;
  return total;
}

/** The body limit is the HTTP edge's; the message limit is the broker's, and may be smaller. */
function assertFits(bytes: number, maxPayload: number | undefined): void {
  if (maxPayload !== undefined && bytes > maxPayload) {
    throw new SwitchboardError(
      ErrorCodes.BodyTooLarge,
      `the event needs ${bytes} bytes on NATS, which takes at most ${maxPayload} per message`,
    );
  }
}
