import { runConsumer } from "@switchboard/bus";
import type { NatsConnection } from "@switchboard/bus";
import type { SubscriptionRecord } from "../contracts.js";
import { deliveryHandler } from "./delivery-handler.js";
import type { DeliveryRuntime } from "./delivery-runtime.js";
import {
  ensureSubscriptionConsumer,
  inFlightLimit,
  loopShapeOf,
  type ConsumerSettings,
} from "./subscription-consumer.js";
import type { LoopFactory } from "./subscription-loops.js";

/** Deliveries that threw (the database unreachable, say) come again after these waits. */
const HANDLER_FAILURE_BACKOFF_MS = [1_000, 5_000, 30_000, 60_000];

export interface LoopFactoryDeps {
  nc: NatsConnection;
  settings: ConsumerSettings;
  /** The deployment's stream prefix, naming its DLQ stream. */
  dlqPrefix: string;
  pullExpiresMs: number;
  rt: DeliveryRuntime;
  /** The record a subscription's loop delivers with now. */
  current(subscriptionId: string): SubscriptionRecord | undefined;
}

/** A subscription's pull loop: its consumer provisioned, then `runConsumer` with the delivery handler. */
export function subscriptionLoopFactory(deps: LoopFactoryDeps): LoopFactory {
  const { nc, settings, rt } = deps;
  return {
    prepare: (sub) => ensureSubscriptionConsumer(nc, sub, settings),
    run: (sub) =>
      runConsumer({
        nc,
        stream: settings.stream,
        durable: sub.id,
        namespace: settings.namespace,
        dlqPrefix: deps.dlqPrefix,
        handler: deliveryHandler(rt, sub.id, deps.current),
        // The handler decides when the retry schedule is exhausted and dead-letters then.
        maxDeliver: Number.MAX_SAFE_INTEGER,
        backoffMs: HANDLER_FAILURE_BACKOFF_MS,
        stage: "webhook",
        logger: rt.logger,
        concurrency: inFlightLimit(sub, settings),
        maxBytesInFlight: settings.bytesInFlight,
        pullExpiresMs: deps.pullExpiresMs,
      }),
    shapeOf: (sub) => loopShapeOf(sub, settings),
  };
}
