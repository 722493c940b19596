import { connect, type NatsConnection, type Subscription } from "@nats-io/transport-node";
import { waitFor } from "@switchboard/testing";
import type { NatsTarget } from "./stream-reader.js";

/** A third party's plain NATS subscriber: it records what arrives on a subject filter. */
export interface EventCollector {
  events: any[];
  headers: Record<string, string>[];
  waitForCount(n: number, timeoutMs?: number): Promise<any[]>;
  close(): Promise<void>;
}

export async function collectEvents(target: NatsTarget, subject: string): Promise<EventCollector> {
  const nc: NatsConnection = await connect({
    ...target.connectOptions(),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 200,
  });
  const events: any[] = [];
  const headers: Record<string, string>[] = [];
  const sub: Subscription = nc.subscribe(subject, {
    callback: (_err, msg) => {
      events.push(msg.json());
      const h: Record<string, string> = {};
      for (const [k, v] of msg.headers ?? []) h[k] = v.join(",");
      headers.push(h);
    },
  });
  await nc.flush();
  return {
    events,
    headers,
    waitForCount: (n, timeoutMs = 15_000) =>
      waitFor(() => events.length >= n && events, {
        timeoutMs,
        what: `${n} events on ${subject} (have ${events.length})`,
      }),
    async close() {
      sub.unsubscribe();
      await nc.close();
    },
  };
}
