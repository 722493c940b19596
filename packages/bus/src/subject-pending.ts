import { AckPolicy, DeliverPolicy, type JetStreamManager } from "@nats-io/jetstream";
import { nanos } from "@nats-io/nats-core";
import { toBusError } from "./jetstream-errors.js";

/** Left by a reader that died before deleting it, the server drops the consumer after this. */
const INACTIVE_MS = 30_000;

/**
 * How many messages of a stream on `subject` come after sequence `afterSeq`. nats-server 2.9 counts
 * pending messages per consumer only, not per subject of a durable's filter, so this asks a consumer
 * made for the question (ephemeral, in memory, no acks, filtered to `subject`, starting at
 * `afterSeq + 1`) and deletes it. A consumer a failed delete leaves goes away by itself, unused.
 */
export async function subjectPending(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
  afterSeq: number,
): Promise<number> {
  let name: string | undefined;
  try {
    const info = await jsm.consumers.add(stream, {
      filter_subject: subject,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: afterSeq + 1,
      ack_policy: AckPolicy.None,
      mem_storage: true,
      inactive_threshold: nanos(INACTIVE_MS),
    });
    name = info.name;
    return info.num_pending;
  } catch (error) {
    throw toBusError(error, `counting the messages on ${subject} in ${stream}`);
  } finally {
    if (name !== undefined) await jsm.consumers.delete(stream, name).catch(() => false);
  }
}
