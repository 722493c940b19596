import {
  AckPolicy,
  DeliverPolicy,
  ReplayPolicy,
  jetstreamManager,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamManager,
} from "@nats-io/jetstream";
import { nanos, type NatsConnection } from "@nats-io/nats-core";
import { ApiCodes, isApiError, toBusError } from "./jetstream-errors.js";

export interface ConsumerSpec {
  durable: string;
  filterSubject?: string;
  ackWaitMs?: number;
  /**
   * Server-side delivery limit; default unlimited. Leave it so: the consume loop counts
   * deliveries itself and dead-letters, and a server limit would silently stop redelivery.
   */
  maxDeliver?: number;
  maxAckPending?: number;
  /**
   * Where a consumer created by this call starts: "all" (default) at the stream's first message,
   * "new" after the stream's last message at that moment, so it never sees what came before.
   * An existing consumer keeps its position.
   */
  deliver?: "all" | "new";
}

/**
 * Creates a durable pull consumer with explicit ack, or updates it when the spec changed. A new
 * filter subject recreates the consumer at its first unacknowledged message: nats-server 2.9
 * accepts a filter update but the consumer then delivers nothing.
 */
export async function ensureConsumer(nc: NatsConnection, stream: string, spec: ConsumerSpec): Promise<void> {
  try {
    const jsm = await jetstreamManager(nc);
    const current = await currentConsumer(jsm, stream, spec.durable);
    if (current === undefined) {
      await jsm.consumers.add(stream, { ...consumerConfig(spec), ...(await startOf(jsm, stream, spec)) });
      return;
    }
    const wanted = consumerConfig(spec);
    if (wanted.filter_subject !== undefined && wanted.filter_subject !== current.config.filter_subject) {
      await jsm.consumers.delete(stream, spec.durable);
      await jsm.consumers.add(stream, { ...wanted, ...resumeAt(resumePoint(current)) });
    } else if (differs(current.config, wanted)) {
      const { ack_wait, max_deliver, max_ack_pending } = wanted;
      await jsm.consumers.update(stream, spec.durable, { ack_wait, max_deliver, max_ack_pending });
    }
  } catch (error) {
    throw toBusError(error, `ensure consumer ${stream}/${spec.durable}`);
  }
}

/** Deletes a durable consumer; false when there was none. */
export async function deleteConsumer(nc: NatsConnection, stream: string, durable: string): Promise<boolean> {
  try {
    const jsm = await jetstreamManager(nc);
    return await jsm.consumers.delete(stream, durable);
  } catch (error) {
    if (isApiError(error, ApiCodes.ConsumerNotFound)) return false;
    throw toBusError(error, `delete consumer ${stream}/${durable}`);
  }
}

function consumerConfig(spec: ConsumerSpec): ConsumerConfig {
  return {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
    ...(spec.filterSubject ? { filter_subject: spec.filterSubject } : {}),
    ...(spec.ackWaitMs ? { ack_wait: nanos(spec.ackWaitMs) } : {}),
    max_deliver: spec.maxDeliver ?? -1,
    ...(spec.maxAckPending ? { max_ack_pending: spec.maxAckPending } : {}),
  };
}

/**
 * "new" is a start sequence rather than DeliverPolicy.New, so the start stays on record in the
 * config: a recreated consumer whose first messages are not acked yet resumes from there.
 */
async function startOf(
  jsm: JetStreamManager,
  stream: string,
  spec: ConsumerSpec,
): Promise<Partial<ConsumerConfig>> {
  if (spec.deliver !== "new") return {};
  const { state } = await jsm.streams.info(stream);
  return resumeAt(state.last_seq + 1);
}

function resumeAt(seq: number): Partial<ConsumerConfig> {
  return { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: seq };
}

/** The first stream sequence the consumer has not seen acknowledged. */
export function resumePoint(info: ConsumerInfo): number {
  if (info.ack_floor.consumer_seq > 0) return info.ack_floor.stream_seq + 1;
  // Nothing delivered yet: `delivered` still points just before the consumer's start.
  if (info.delivered.consumer_seq === 0) return info.delivered.stream_seq + 1;
  return info.config.opt_start_seq ?? 1;
}

async function currentConsumer(
  jsm: JetStreamManager,
  stream: string,
  durable: string,
): Promise<ConsumerInfo | undefined> {
  try {
    return await jsm.consumers.info(stream, durable);
  } catch (error) {
    if (isApiError(error, ApiCodes.ConsumerNotFound)) return undefined;
    throw error;
  }
}

/** Only the fields we set; the server fills in defaults for the rest. */
function differs(current: ConsumerConfig, wanted: ConsumerConfig): boolean {
  const keys = ["ack_wait", "max_deliver", "max_ack_pending"] as const;
  return keys.some((k) => wanted[k] !== undefined && current[k] !== wanted[k]);
}
