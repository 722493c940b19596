import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { headers as natsHeaders, type MsgHdrs } from "@nats-io/nats-core";
import { orgOfSubject, stageToken } from "./subject-tokens.js";

export interface DeadLetter {
  stage: string;
  reason: string;
  details?: unknown;
  /** Durable name of the consumer that gave up. */
  consumer: string;
}

export interface DeadLetterTarget {
  namespace: string;
  /** Name of the DLQ stream; the publish is refused if the subject would land elsewhere. */
  stream: string;
}

export const DeadLetterHeaders = {
  OriginStream: "Switchboard-Origin-Stream",
  OriginSeq: "Switchboard-Origin-Seq",
  OriginSubject: "Switchboard-Origin-Subject",
  OriginConsumer: "Switchboard-Origin-Consumer",
  OriginMsgId: "Switchboard-Origin-Msg-Id",
  Stage: "Switchboard-Stage",
  Reason: "Switchboard-Reason",
  Details: "Switchboard-Details",
  Deliveries: "Switchboard-Deliveries",
  /** Set when the original did not fit beside the annotations: its size; the whole message stays at its origin. */
  Truncated: "Switchboard-Truncated",
} as const;

/** What a dead letter keeps of a payload too large to copy whole (the origin stream still holds it all). */
const EXCERPT_BYTES = 64 * 1024;

const MAX_REASON = 1024;
const MAX_DETAILS = 4096;

export function deadLetterSubject(namespace: string, originSubject: string, stage: string): string {
  return `${namespace}.dlq.${orgOfSubject(originSubject)}.${stageToken(String(stage))}`;
}

/** Where a dead letter comes from: a stream message, or a row that never reached a stream. */
export interface DeadLetterOrigin {
  subject: string;
  data: Uint8Array;
  /** The original's headers (Nats-* ones are dropped). */
  headers: Record<string, string[]>;
  /** The origin stream, or another store (`outbox:<schema>`). */
  stream: string;
  /** Its position there (stream sequence, outbox row id). */
  seq: number;
  deliveries: number;
}

/**
 * Copies the original payload and headers to the DLQ. The msg id is derived from the origin
 * stream and sequence, so a repeat after a crash between publish and ack is dropped by the broker.
 */
export function publishDeadLetter(
  js: JetStreamClient,
  target: DeadLetterTarget,
  m: JsMsg,
  letter: DeadLetter,
): Promise<{ seq: number; duplicate: boolean }> {
  const headers: Record<string, string[]> = {};
  for (const key of m.headers?.keys() ?? []) headers[key] = m.headers?.values(key) ?? [];
  return publishDeadLetterOf(
    js,
    target,
    {
      subject: m.subject,
      data: m.data,
      headers,
      stream: m.info.stream,
      seq: m.seq,
      deliveries: m.info.deliveryCount,
    },
    letter,
  );
}

/** publishDeadLetter for any origin. */
export async function publishDeadLetterOf(
  js: JetStreamClient,
  target: DeadLetterTarget,
  origin: DeadLetterOrigin,
  letter: DeadLetter,
): Promise<{ seq: number; duplicate: boolean }> {
  const subject = deadLetterSubject(target.namespace, origin.subject, letter.stage);
  const options = { msgID: `dlq:${origin.stream}:${origin.seq}`, expect: { streamName: target.stream } };
  let ack;
  try {
    ack = await js.publish(subject, origin.data, { ...options, headers: deadLetterHeaders(origin, letter) });
  } catch (error) {
    if (!exceedsMaxPayload(error)) throw error;
    // A message that filled max_payload no longer fits with the annotations added: keep an excerpt and
    // say so, rather than redeliver it forever without ever reaching the DLQ.
    const headers = deadLetterHeaders(origin, letter, { withOriginalHeaders: false });
    headers.set(DeadLetterHeaders.Truncated, String(origin.data.length));
    ack = await js.publish(subject, origin.data.subarray(0, EXCERPT_BYTES), { ...options, headers });
  }
  return { seq: ack.seq, duplicate: ack.duplicate };
}

function exceedsMaxPayload(error: unknown): boolean {
  return error instanceof Error && /max_payload|MAX_PAYLOAD/i.test(error.message);
}

export function deadLetterHeaders(
  origin: DeadLetterOrigin,
  letter: DeadLetter,
  { withOriginalHeaders = true }: { withOriginalHeaders?: boolean } = {},
): MsgHdrs {
  const h = natsHeaders();
  for (const [key, values] of withOriginalHeaders ? Object.entries(origin.headers) : []) {
    // Nats-* headers steer the broker (expectations, rollups, TTLs): never replay them on the DLQ.
    if (key.toLowerCase().startsWith("nats-")) continue;
    for (const value of values) h.append(key, value);
  }
  const originMsgId = Object.entries(origin.headers).find(([k]) => k.toLowerCase() === "nats-msg-id")?.[1][0];
  if (originMsgId) h.set(DeadLetterHeaders.OriginMsgId, originMsgId);
  h.set(DeadLetterHeaders.OriginStream, origin.stream);
  h.set(DeadLetterHeaders.OriginSeq, String(origin.seq));
  h.set(DeadLetterHeaders.OriginSubject, origin.subject);
  h.set(DeadLetterHeaders.OriginConsumer, letter.consumer);
  // String(): handlers are typed, but a plain-JS one may still hand over a non-string.
  h.set(DeadLetterHeaders.Stage, singleLine(String(letter.stage), 256));
  h.set(DeadLetterHeaders.Reason, singleLine(String(letter.reason ?? ""), MAX_REASON) || "(no reason given)");
  if (letter.details !== undefined) h.set(DeadLetterHeaders.Details, detailsJson(letter.details));
  h.set(DeadLetterHeaders.Deliveries, String(origin.deliveries));
  return h;
}

/** Header values cannot hold line breaks; long reasons are cut with an ellipsis. */
export function singleLine(text: string, max: number): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** Always valid JSON: oversized details become an excerpt flagged as truncated. */
export function detailsJson(details: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(details) ?? "null";
  } catch {
    json = JSON.stringify({ unserializable: String(details) });
  }
  if (json.length <= MAX_DETAILS) return json;
  return JSON.stringify({ truncated: true, excerpt: json.slice(0, MAX_DETAILS - 64) });
}
