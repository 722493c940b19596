import { deliver, type DeliveryOutcome } from "@switchboard/webhooks";
import type { SubscriptionRecord } from "../contracts.js";
import type { DeliveryRuntime } from "./delivery-runtime.js";
import type { EventMessage } from "./event-message.js";
import { webhookBody, webhookRequest } from "./webhook-request.js";

/**
 * - sent: one HTTP attempt was made (or refused by the SSRF guard), with its outcome;
 * - unsendable: no request can be built for this event (the mapping fails on it);
 * - stopped: the engine stopped while waiting for the rate limit; nothing was sent.
 */
export type SendResult =
  { kind: "sent"; result: DeliveryOutcome } | { kind: "unsendable"; reason: string } | { kind: "stopped" };

/** One signed POST of the event to the subscription's endpoint, within its rate limit. */
export async function sendEvent(
  rt: DeliveryRuntime,
  sub: SubscriptionRecord,
  event: EventMessage,
): Promise<SendResult> {
  const body = webhookBody(sub, event.value, event.raw);
  if (!body.ok) return { kind: "unsendable", reason: body.error };
  if (!(await rt.rateLimits.acquire(sub, rt.stopping))) return { kind: "stopped" };
  let request;
  try {
    request = webhookRequest(sub, event.messageId, body.value, rt.now().getTime());
  } catch (error) {
    return { kind: "unsendable", reason: `no request could be signed: ${(error as Error).message}` };
  }
  const result = await deliver({
    url: sub.url,
    body: request.body,
    headers: request.headers,
    timeoutMs: sub.timeoutMs,
    allowlist: rt.allowlist,
    pools: rt.pools,
    destinations: rt.destinations,
    ...(rt.resolve ? { resolve: rt.resolve } : {}),
  });
  return { kind: "sent", result };
}
