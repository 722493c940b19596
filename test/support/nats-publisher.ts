import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import { jetstream } from "@nats-io/jetstream";
import type { NatsTarget } from "./stream-reader.js";

/** A third party publishing inbound events straight onto NATS with JetStream acks. */
export async function natsPublisher(target: NatsTarget) {
  const nc: NatsConnection = await connect(target.connectOptions());
  const js = jetstream(nc);
  return {
    async publish(subject: string, payload: unknown, msgId?: string) {
      const data = typeof payload === "string" ? payload : JSON.stringify(payload);
      const h = headers();
      if (msgId !== undefined) h.set("Nats-Msg-Id", msgId);
      return js.publish(subject, data, { headers: h });
    },
    close: () => nc.close(),
  };
}
