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
}

/** Creates a durable pull consumer with explicit ack, or updates it when the spec changed. */
export async function ensureConsumer(nc: NatsConnection, stream: string, spec: ConsumerSpec): Promise<void> {
  try {
    const jsm = await jetstreamManager(nc);
    const wanted = consumerConfig(spec);
    const current = await currentConsumer(jsm, stream, spec.durable);
    if (current === undefined) {
      await jsm.consumers.add(stream, wanted);
    } else if (differs(current.config, wanted)) {
      const { filter_subject, ack_wait, max_deliver, max_ack_pending } = wanted;
      await jsm.consumers.update(stream, spec.durable, {
        filter_subject,
        ack_wait,
        max_deliver,
        max_ack_pending,
      });
    }
  } catch (error) {
    throw toBusError(error, `ensure consumer ${stream}/${spec.durable}`);
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
  const keys = ["filter_subject", "ack_wait", "max_deliver", "max_ack_pending"] as const;
  return keys.some((k) => wanted[k] !== undefined && current[k] !== wanted[k]);
}
