import { connect, type ConnectionOptions } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";

export interface StoredMessage {
  subject: string;
  msgId: string;
  /** The payload parsed as JSON, or its text when it is not JSON. */
  data: any;
  headers: Record<string, string>;
}

/** Reads every message a stream holds, as a replaying third party would. */
/** A NATS server (or cluster) a test connects to as its own user. */
export interface NatsTarget {
  connectOptions(): ConnectionOptions;
}

export async function readStream(target: NatsTarget, stream: string): Promise<StoredMessage[]> {
  const nc = await connect(target.connectOptions());
  try {
    const jsm = await jetstreamManager(nc);
    const total = (await jsm.streams.info(stream)).state.messages;
    const out: StoredMessage[] = [];
    if (total === 0) return out;
    const consumer = await jetstream(nc).consumers.get(stream);
    const messages = await consumer.fetch({ max_messages: total, expires: 10_000 });
    for await (const m of messages) {
      const headers: Record<string, string> = {};
      for (const key of m.headers?.keys() ?? []) headers[key] = m.headers?.get(key) ?? "";
      let data: any;
      try {
        data = m.json();
      } catch {
        data = m.string();
      }
      out.push({ subject: m.subject, msgId: headers["Nats-Msg-Id"] ?? "", data, headers });
      if (out.length === total) break;
    }
    return out;
  } finally {
    await nc.close();
  }
}

export async function streamCount(target: NatsTarget, stream: string): Promise<number> {
  const nc = await connect(target.connectOptions());
  try {
    return (await (await jetstreamManager(nc)).streams.info(stream)).state.messages;
  } finally {
    await nc.close();
  }
}
