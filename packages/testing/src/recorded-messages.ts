import type { NatsConnection } from "@nats-io/transport-node";

export interface RecordedMessage {
  subject: string;
  /** The payload parsed as JSON. */
  data: unknown;
}

/**
 * Subscribes to `subject` and records every message into the array it returns, in arrival order,
 * until the connection closes; resolves once the server has the subscription, so nothing published
 * after this returns is missed.
 */
export async function recordMessages(nc: NatsConnection, subject: string): Promise<RecordedMessage[]> {
  const recorded: RecordedMessage[] = [];
  nc.subscribe(subject, {
    callback: (error, msg) => {
      if (error === null) recorded.push({ subject: msg.subject, data: msg.json() });
    },
  });
  await nc.flush();
  return recorded;
}
