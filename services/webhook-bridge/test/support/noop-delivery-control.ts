import type { AttemptView, DeliveryControl, ReplayRange, SubscriptionRecord } from "../../src/contracts.js";

/** What the subscriptions API told the delivery side, in order. */
export type DeliveryCall =
  | { call: "subscriptionSaved"; sub: SubscriptionRecord }
  | { call: "subscriptionDeleted"; orgId: string; subscriptionId: string }
  | { call: "sendTest"; sub: SubscriptionRecord }
  | { call: "replay"; sub: SubscriptionRecord; range: ReplayRange };

/**
 * For tests of the subscriptions side only: delivers nothing and records every call, so a test can
 * check what the API passed on and when. Never a default of the service.
 */
export function createNoopDeliveryControlForTests(): DeliveryControl & { calls: DeliveryCall[] } {
  const calls: DeliveryCall[] = [];
  return {
    calls,
    async subscriptionSaved(sub) {
      calls.push({ call: "subscriptionSaved", sub });
    },
    async subscriptionDeleted(orgId, subscriptionId) {
      calls.push({ call: "subscriptionDeleted", orgId, subscriptionId });
    },
    async sendTest(sub) {
      calls.push({ call: "sendTest", sub });
      return notSent(sub);
    },
    async replay(sub, range) {
      calls.push({ call: "replay", sub, range });
      return { replayed: 0 };
    },
  };
}

function notSent(sub: SubscriptionRecord): AttemptView {
  return {
    id: 0,
    subscriptionId: sub.id,
    messageId: "test-not-sent",
    eventType: "test",
    attempt: 1,
    kind: "test",
    outcome: "refused",
    status: null,
    durationMs: 0,
    error: "not sent: the no-op delivery control of the subscriptions tests sends nothing",
    responseExcerpt: null,
    nextAttemptAt: null,
    createdAt: new Date(0).toISOString(),
  };
}
