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
} as const;

const MAX_REASON = 1024;
const MAX_DETAILS = 4096;

export function deadLetterSubject(namespace: string, originSubject: string, stage: string): string {
  return `${namespace}.dlq.${orgOfSubject(originSubject)}.${stageToken(String(stage))}`;
}

/**
 * Copies the original payload and headers to the DLQ. The msg id is derived from the origin
 * stream and sequence, so a repeat after a crash between publish and ack is dropped by the broker.
 */
export async function publishDeadLetter(
  js: JetStreamClient,
  target: DeadLetterTarget,
  m: JsMsg,
  letter: DeadLetter,
): Promise<{ seq: number; duplicate: boolean }> {
  const ack = await js.publish(deadLetterSubject(target.namespace, m.subject, letter.stage), m.data, {
    msgID: `dlq:${m.info.stream}:${m.seq}`,
    headers: deadLetterHeaders(m, letter),
    expect: { streamName: target.stream },
  });
  return { seq: ack.seq, duplicate: ack.duplicate };
}

export function deadLetterHeaders(m: JsMsg, letter: DeadLetter): MsgHdrs {
  const h = natsHeaders();
  for (const key of m.headers?.keys() ?? []) {
    // Nats-* headers steer the broker (expectations, rollups, TTLs): never replay them on the DLQ.
    if (key.toLowerCase().startsWith("nats-")) continue;
    for (const value of m.headers?.values(key) ?? []) h.append(key, value);
  }
  const originMsgId = m.headers?.get("Nats-Msg-Id");
  if (originMsgId) h.set(DeadLetterHeaders.OriginMsgId, originMsgId);
  h.set(DeadLetterHeaders.OriginStream, m.info.stream);
  h.set(DeadLetterHeaders.OriginSeq, String(m.seq));
  h.set(DeadLetterHeaders.OriginSubject, m.subject);
  h.set(DeadLetterHeaders.OriginConsumer, letter.consumer);
  // String(): handlers are typed, but a plain-JS one may still hand over a non-string.
  h.set(DeadLetterHeaders.Stage, singleLine(String(letter.stage), 256));
  h.set(DeadLetterHeaders.Reason, singleLine(String(letter.reason ?? ""), MAX_REASON) || "(no reason given)");
  if (letter.details !== undefined) h.set(DeadLetterHeaders.Details, detailsJson(letter.details));
  h.set(DeadLetterHeaders.Deliveries, String(m.info.deliveryCount));
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
