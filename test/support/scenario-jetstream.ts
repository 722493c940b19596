import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { waitFor } from "@switchboard/testing";
import type { NatsTarget } from "./stream-reader.js";

export interface ConsumerWatch {
  /** True once the durable has been handed every message of its filter and has acked them all. */
  idle(stream: string, durable: string): Promise<boolean>;
  /**
   * Waits until the durable is idle: whatever was published before the call has then been handled
   * (delivered and acked, or dropped by a filter), so a count taken afterwards is final.
   */
  untilIdle(stream: string, durable: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Looks at consumers as an operator would (`nats consumer info`), over one connection. */
export async function watchConsumers(target: NatsTarget): Promise<ConsumerWatch> {
  const nc: NatsConnection = await connect(target.connectOptions());
  const jsm: JetStreamManager = await jetstreamManager(nc);
  const idle = async (stream: string, durable: string) => {
    const info = await jsm.consumers.info(stream, durable);
    return info.num_pending === 0 && info.num_ack_pending === 0;
  };
  return {
    idle,
    async untilIdle(stream, durable, timeoutMs = 60_000) {
      await waitFor(() => idle(stream, durable), {
        timeoutMs,
        intervalMs: 100,
        what: `consumer ${durable} on ${stream} to have handled everything`,
      });
    },
    close: () => nc.close(),
  };
}
