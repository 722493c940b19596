import type { AttemptView, SubscriptionRecord } from "../contracts.js";
import { insertAttemptView, type AttemptWrite } from "./delivery-attempt.repository.js";
import type { DeliveryRuntime } from "./delivery-runtime.js";
import type { EventMessage } from "./event-message.js";

export interface AttemptFacts {
  kind: AttemptView["kind"];
  attempt: number;
  streamSeq: number | null;
  outcome: AttemptView["outcome"];
  status: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
  nextAttemptAt: Date | null;
}

/**
 * Counts the attempt and writes it to the delivery log, in a statement shared with the other
 * attempts being logged; resolves once it is committed.
 */
export async function logAttempt(
  rt: DeliveryRuntime,
  sub: SubscriptionRecord,
  event: EventMessage,
  facts: AttemptFacts,
): Promise<void> {
  rt.counters.add(facts.kind, facts.outcome);
  await rt.attempts.write(attemptWrite(sub, event, facts));
}

/** The same, answering with the logged attempt (for the caller of a test send or a replay). */
export async function recordAttempt(
  rt: DeliveryRuntime,
  sub: SubscriptionRecord,
  event: EventMessage,
  facts: AttemptFacts,
): Promise<AttemptView> {
  rt.counters.add(facts.kind, facts.outcome);
  return insertAttemptView(rt.db, attemptWrite(sub, event, facts));
}

function attemptWrite(sub: SubscriptionRecord, event: EventMessage, facts: AttemptFacts): AttemptWrite {
  return {
    orgId: sub.orgId,
    subscriptionId: sub.id,
    messageId: event.messageId,
    eventType: event.eventType,
    ...facts,
  };
}

/** The facts of an attempt that made no request. */
export const notSent = (
  error: string,
): Pick<AttemptFacts, "status" | "durationMs" | "error" | "responseExcerpt"> => ({
  status: null,
  durationMs: 0,
  error,
  responseExcerpt: null,
});
