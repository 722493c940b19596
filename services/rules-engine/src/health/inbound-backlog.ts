import {
  jetstreamManager,
  subjectPending,
  type JetStreamManager,
  type NatsConnection,
} from "@switchboard/bus";
import { inboundSubject } from "@switchboard/events";

/** How many messages of each of an org's inbound events wait for the engine; null for one not known. */
export type InboundBacklog = (orgId: string, names: readonly string[]) => Promise<Map<string, number | null>>;

/** Events whose backlog is counted at once. */
const AT_ONCE = 4;

/**
 * An inbound event's backlog: its messages after the `rules-engine` durable's ack floor. That is
 * what the engine has not taken yet, what it is working on or waiting to retry, and, since it acks
 * messages out of order, messages above the floor already acked (at most the messages in flight
 * when it was read). When the durable has nothing pending or unacked, every backlog is 0 without
 * asking further; otherwise one short-lived consumer per event counts them (`subjectPending`).
 */
export function inboundBacklog(
  nc: NatsConnection,
  options: { namespace: string; stream: string; durable: string },
): InboundBacklog {
  let jsm: Promise<JetStreamManager> | undefined;
  return async (orgId, names) => {
    const counts = new Map<string, number | null>(names.map((name) => [name, null]));
    try {
      const manager = await (jsm ??= jetstreamManager(nc));
      const durable = await manager.consumers.info(options.stream, options.durable);
      const floor = durable.ack_floor.stream_seq;
      const quiet = durable.num_pending + durable.num_ack_pending === 0;
      for (let i = 0; i < names.length; i += AT_ONCE) {
        await Promise.all(
          names.slice(i, i + AT_ONCE).map(async (name) => {
            const subject = inboundSubject(options.namespace, orgId, name);
            counts.set(name, quiet ? 0 : await subjectPending(manager, options.stream, subject, floor));
          }),
        );
      }
    } catch {
      // JetStream not answering, or the engine's consumer not made yet: unknown, not zero.
    }
    return counts;
  };
}
