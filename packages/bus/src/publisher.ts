import type { JetStreamClient } from "@nats-io/jetstream";
import { headers as natsHeaders, type MsgHdrs } from "@nats-io/nats-core";
import { ValidationError } from "@switchboard/errors";
import { toBusError } from "./jetstream-errors.js";

export interface PublishOptions {
  /** Becomes `Nats-Msg-Id`: the broker drops a repeat within the stream's duplicate window. */
  msgId: string;
  headers?: Record<string, string>;
  /** Refuse unless the subject lands in this stream. */
  expectStream?: string;
  /** How long to wait for the PubAck; the client default otherwise. */
  timeoutMs?: number;
}

export interface PublishReceipt {
  stream: string;
  seq: number;
  /** True when the broker had already stored this msgId: nothing new was stored. */
  duplicate: boolean;
}

const encoder = new TextEncoder();

/** Bytes are sent as they are; anything else as JSON. */
export function encodePayload(data: unknown): Uint8Array {
  return data instanceof Uint8Array ? data : encoder.encode(JSON.stringify(data) ?? "null");
}

/** Publishes and waits for the PubAck, so a returned receipt means the message is durable. */
export async function publish(
  js: JetStreamClient,
  subject: string,
  data: unknown,
  opts: PublishOptions,
): Promise<PublishReceipt> {
  if (opts.msgId === "") throw new ValidationError("publish needs a msgId (Nats-Msg-Id)");
  try {
    const ack = await js.publish(subject, encodePayload(data), {
      msgID: opts.msgId,
      ...(opts.headers ? { headers: toMsgHeaders(opts.headers) } : {}),
      ...(opts.expectStream ? { expect: { streamName: opts.expectStream } } : {}),
      ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
    });
    return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
  } catch (error) {
    throw toBusError(error, `publish to ${subject}`);
  }
}

export function toMsgHeaders(record: Record<string, string>): MsgHdrs {
  const h = natsHeaders();
  try {
    for (const [key, value] of Object.entries(record)) h.set(key, value);
  } catch (error) {
    throw new ValidationError(`invalid message header: ${(error as Error).message}`, { cause: error });
  }
  return h;
}
