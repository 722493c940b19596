import type { JsMsg } from "@nats-io/jetstream";
import type { MsgHdrs } from "@nats-io/nats-core";

/** What a handler sees of a JetStream message; settling it (ack/nak/DLQ) is the loop's job. */
export interface ConsumedMessage {
  subject: string;
  data: Uint8Array;
  /** First value of each header. */
  headers: Record<string, string>;
  /** Stream sequence. */
  seq: number;
  /** 1 on the first delivery, 2 on the first redelivery… */
  deliveryCount: number;
  /** The `Nats-Msg-Id` it was published with, if any. */
  msgId: string | undefined;
  /** When the stream stored it: the same on every delivery. */
  storedAt: Date;
  /** Parses the payload as JSON; throws on invalid JSON. */
  json<T>(): T;
}

/** What the handler decided; the loop acks, naks with backoff, or dead-letters accordingly. */
export type HandlerOutcome =
  | { kind: "ack" }
  | { kind: "retry"; reason: string; delayMs?: number }
  | { kind: "dead"; stage: string; reason: string; details?: unknown };

export type MessageHandler = (msg: ConsumedMessage) => Promise<HandlerOutcome>;

export function headersToRecord(h: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of h?.keys() ?? []) out[key] = h?.get(key) ?? "";
  return out;
}

const decoder = new TextDecoder();

export function toConsumedMessage(m: JsMsg): ConsumedMessage {
  const headers = headersToRecord(m.headers);
  return {
    subject: m.subject,
    data: m.data,
    headers,
    seq: m.seq,
    deliveryCount: m.info.deliveryCount,
    msgId: headers["Nats-Msg-Id"] || undefined,
    storedAt: m.time,
    json: <T>() => JSON.parse(decoder.decode(m.data)) as T,
  };
}
