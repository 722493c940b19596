import { UnavailableError } from "@switchboard/errors";
import type { AttemptView, SubscriptionRecord } from "../contracts.js";
import { attemptDetails, GONE_REASON } from "./attempt-outcome.js";
import { notSent, recordAttempt } from "./attempt-recorder.js";
import type { DeliveryRuntime } from "./delivery-runtime.js";
import type { EventMessage } from "./event-message.js";
import { sendEvent } from "./webhook-sender.js";

/**
 * One attempt outside the consumers (a test send, a replayed event), logged with its kind. It is
 * not retried: a failure is logged as "retry" without a next attempt, and can be sent again. A 410
 * disables the subscription as it does for any delivery.
 */
export async function deliverOnce(
  rt: DeliveryRuntime,
  sub: SubscriptionRecord,
  event: EventMessage,
  kind: "test" | "replay",
  streamSeq: number | null,
): Promise<AttemptView> {
  const base = { kind, attempt: 1, streamSeq, nextAttemptAt: null };
  const sent = await sendEvent(rt, sub, event);
  if (sent.kind === "stopped") throw new UnavailableError("the webhook bridge is stopping; nothing was sent");
  if (sent.kind === "unsendable") {
    return recordAttempt(rt, sub, event, { ...base, outcome: "refused", ...notSent(sent.reason) });
  }
  const view = await recordAttempt(rt, sub, event, {
    ...base,
    outcome: sent.result.outcome,
    ...attemptDetails(sent.result),
  });
  if (sent.result.outcome === "gone") {
    const since = sub.failingSince === null ? null : new Date(sub.failingSince);
    await rt.disable(sub, GONE_REASON, since, event.traceId);
  }
  return view;
}
