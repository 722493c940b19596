import type { ConsumedMessage, HandlerOutcome, MessageHandler } from "@switchboard/bus";
import type { SubscriptionRecord } from "../contracts.js";
import { matchesFilter } from "../subscriptions/index.js";
import { logAttempt, notSent } from "./attempt-recorder.js";
import { attemptDetails, decideAttempt } from "./attempt-outcome.js";
import type { AttemptWrite } from "./delivery-attempt.repository.js";
import type { DeliveryRuntime } from "./delivery-runtime.js";
import { parseEventMessage, type EventMessage } from "./event-message.js";
import { wantsEventType } from "./subscription-consumer.js";
import { sendEvent } from "./webhook-sender.js";

const ACK: HandlerOutcome = { kind: "ack" };
const STAGE = "webhook";

/** The consumer handler of one subscription: every message is one delivery attempt, logged. */
export function deliveryHandler(
  rt: DeliveryRuntime,
  subscriptionId: string,
  current: (id: string) => SubscriptionRecord | undefined,
): MessageHandler {
  return async (msg) => {
    // Read per message: a saved change (URL, secrets, mapping) applies to the next delivery.
    const sub = current(subscriptionId);
    if (sub === undefined)
      return { kind: "retry", reason: "the subscription's loop is stopping", delayMs: 0 };
    const eventType = msg.subject.slice(msg.subject.lastIndexOf(".") + 1);
    if (!wantsEventType(sub, eventType)) return skipped(rt);
    const parsed = parseEventMessage(msg.subject, msg.data, msg.msgId);
    if (!parsed.ok) return { kind: "dead", stage: STAGE, reason: parsed.error };
    const event = parsed.value;
    // The consumer's filter already keeps to the org; this guards the tenancy boundary once more.
    if (event.orgId !== sub.orgId) return skipped(rt);
    const wanted = matchesFilter(sub.filter, event.value);
    if (!wanted.ok) return refuse(rt, sub, event, msg, wanted.error);
    if (!wanted.value) return skipped(rt);
    // The log says whether the endpoint already has it: a replica that died after logging a success
    // but before its ack leaves the message to come again, and nats-server before 2.10.14 can send
    // a delivered message again as a first delivery (see DeliveryCopies in the bus), so the
    // delivery count cannot tell which messages to look up. The lookups of messages arriving
    // together share one statement.
    const logged = await rt.attempts.lookUp(sub.id, event.messageId);
    if (logged.kind === "delivered") return skipped(rt);
    if (logged.kind === "unlogged") return logLate(rt, sub, logged.attempt);
    return deliverMessage(rt, sub, event, msg);
  };
}

/**
 * The endpoint has the event, but writing its attempt failed, so the message was not acked: write
 * the attempt as it was made, then ack, without sending it again. A failure here throws, and the
 * message comes again after the loop's backoff.
 */
async function logLate(
  rt: DeliveryRuntime,
  sub: SubscriptionRecord,
  attempt: AttemptWrite,
): Promise<HandlerOutcome> {
  await rt.attempts.write(attempt);
  await rt.failing.succeeded(sub);
  return ACK;
}

function skipped(rt: DeliveryRuntime): HandlerOutcome {
  rt.counters.add("delivery", "skipped");
  return ACK;
}

async function refuse(
  rt: DeliveryRuntime,
  sub: SubscriptionRecord,
  event: EventMessage,
  msg: ConsumedMessage,
  reason: string,
): Promise<HandlerOutcome> {
  await logAttempt(rt, sub, event, {
    kind: "delivery",
    attempt: msg.deliveryCount,
    streamSeq: msg.seq,
    outcome: "refused",
    nextAttemptAt: null,
    ...notSent(reason),
  });
  return { kind: "dead", stage: STAGE, reason };
}

async function deliverMessage(
  rt: DeliveryRuntime,
  sub: SubscriptionRecord,
  event: EventMessage,
  msg: ConsumedMessage,
): Promise<HandlerOutcome> {
  const sent = await sendEvent(rt, sub, event);
  if (sent.kind === "stopped") return { kind: "retry", reason: "the bridge is stopping", delayMs: 0 };
  if (sent.kind === "unsendable") return refuse(rt, sub, event, msg, sent.reason);
  const decision = decideAttempt(sent.result, sub.retrySchedule ?? rt.defaultScheduleMs, msg.deliveryCount);
  const now = rt.now();
  const retryAt = decision.outcome === "retry" ? new Date(now.getTime() + decision.delayMs) : null;
  await logAttempt(rt, sub, event, {
    kind: "delivery",
    attempt: msg.deliveryCount,
    streamSeq: msg.seq,
    outcome: decision.outcome,
    nextAttemptAt: retryAt,
    ...attemptDetails(sent.result),
  });
  switch (decision.outcome) {
    case "delivered":
      await rt.failing.succeeded(sub);
      return ACK;
    case "refused":
      return { kind: "dead", stage: STAGE, reason: decision.reason };
    case "gone":
      await rt.disable(sub, decision.reason, toDate(sub.failingSince), event.traceId);
      return parked(rt, decision.reason);
    case "exhausted": {
      await disableIfFailingTooLong(rt, sub, event, now);
      return { kind: "dead", stage: STAGE, reason: decision.reason, details: { url: sub.url } };
    }
    case "retry":
      if (await disableIfFailingTooLong(rt, sub, event, now)) return parked(rt, decision.reason);
      return { kind: "retry", reason: decision.reason, delayMs: decision.delayMs };
  }
}

/** Records the failure; past the configured period, disables the subscription. True if it did. */
async function disableIfFailingTooLong(
  rt: DeliveryRuntime,
  sub: SubscriptionRecord,
  event: EventMessage,
  now: Date,
): Promise<boolean> {
  const since = await rt.failing.failed(sub, now);
  if (since === null || now.getTime() - since.getTime() < rt.disableAfterMs) return false;
  await rt.disable(sub, `failing since ${since.toISOString()}`, since, event.traceId);
  return true;
}

/** Left unacked with the consumer, to come again once the subscription is enabled. */
function parked(rt: DeliveryRuntime, reason: string): HandlerOutcome {
  return { kind: "retry", reason: `${reason}; the subscription is disabled`, delayMs: rt.parkedRedeliveryMs };
}

const toDate = (iso: string | null): Date | null => (iso === null ? null : new Date(iso));
