import { deleteConsumer, ensureConsumer, type ConsumerSpec, type NatsConnection } from "@switchboard/bus";
import { assertNamespace, assertOrgId, isToken } from "@switchboard/events";
import type { SubscriptionRecord } from "../contracts.js";
import { ALL_EVENT_TYPES } from "../subscriptions/index.js";

/** How the engine runs every subscription's consumer; the same on every replica. */
export interface ConsumerSettings {
  namespace: string;
  /** The EVENTS stream. */
  stream: string;
  ackWaitMs: number;
  /** In flight at once for a subscription that is not ordered. */
  concurrency: number;
  /** Payload bytes a subscription's loop holds at once on this replica (the consume loop's maxBytesInFlight). */
  bytesInFlight: number;
}

/**
 * One type: its own subject. Several (or all): the org's events, and the handler skips the other
 * types, because nats-server 2.9 takes one filter subject per consumer.
 */
export function filterSubjectOf(
  namespace: string,
  sub: Pick<SubscriptionRecord, "orgId" | "eventTypes">,
): string {
  const [only, ...others] = sub.eventTypes;
  const type = only !== undefined && others.length === 0 && isToken(only) ? only : "*";
  return `${assertNamespace(namespace)}.events.${assertOrgId(sub.orgId)}.${type}`;
}

export function wantsEventType(sub: Pick<SubscriptionRecord, "eventTypes">, eventType: string): boolean {
  return sub.eventTypes.includes(ALL_EVENT_TYPES) || sub.eventTypes.includes(eventType);
}

/** Ordered: one message in flight across every replica, a retry included (a nak keeps it pending). */
export function inFlightLimit(sub: Pick<SubscriptionRecord, "ordered">, settings: ConsumerSettings): number {
  return sub.ordered ? 1 : settings.concurrency;
}

/**
 * The durable is named after the subscription. "new": a subscription starts with the events
 * published after it was made, not the org's history. The server's max_deliver stays unlimited:
 * the handler decides when the retry schedule is exhausted.
 */
export function consumerSpecOf(sub: SubscriptionRecord, settings: ConsumerSettings): ConsumerSpec {
  return {
    durable: sub.id,
    filterSubject: filterSubjectOf(settings.namespace, sub),
    ackWaitMs: settings.ackWaitMs,
    maxAckPending: inFlightLimit(sub, settings),
    deliver: "new",
  };
}

/** What a running loop was started with; when it changes, the loop starts again. */
export function loopShapeOf(sub: SubscriptionRecord, settings: ConsumerSettings): string {
  return `${filterSubjectOf(settings.namespace, sub)} ${inFlightLimit(sub, settings)}`;
}

export function ensureSubscriptionConsumer(
  nc: NatsConnection,
  sub: SubscriptionRecord,
  settings: ConsumerSettings,
): Promise<void> {
  return ensureConsumer(nc, settings.stream, consumerSpecOf(sub, settings));
}

export function deleteSubscriptionConsumer(
  nc: NatsConnection,
  subscriptionId: string,
  settings: ConsumerSettings,
): Promise<boolean> {
  return deleteConsumer(nc, settings.stream, subscriptionId);
}
