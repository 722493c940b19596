import { err, ok, type Result } from "@switchboard/errors";
import { webhookHeaders } from "@switchboard/webhooks";
import type { DestinationAuth, SubscriptionRecord } from "../contracts.js";
import { applyMapping } from "../subscriptions/index.js";

export interface WebhookRequest {
  body: string;
  headers: Record<string, string>;
}

/**
 * What the subscription sends for an event: without a mapping, the event exactly as it was
 * published (`raw`), so the receiver gets the bytes the platform emitted; with one, the mapped body.
 */
export function webhookBody(sub: SubscriptionRecord, event: unknown, raw: string): Result<string, string> {
  if (sub.mapping === null) return ok(raw);
  const mapped = applyMapping(sub.mapping, event);
  return mapped.ok ? ok(JSON.stringify(mapped.value)) : err(mapped.error);
}

/**
 * The Standard Webhooks headers and the destination's credentials. webhook-id is the event's
 * messageId on every attempt (the receiver's dedup key); the timestamp is taken per attempt, since
 * receivers refuse stale ones. The signing headers are set last: credentials cannot replace them.
 */
export function webhookRequest(
  sub: SubscriptionRecord,
  messageId: string,
  body: string,
  nowMs: number,
): WebhookRequest {
  const signed = webhookHeaders({
    msgId: messageId,
    timestamp: Math.floor(nowMs / 1000),
    body,
    secrets: sub.signingSecrets,
  });
  return { body, headers: { ...destinationAuthHeaders(sub.auth), ...signed } };
}

export function destinationAuthHeaders(auth: DestinationAuth | null): Record<string, string> {
  if (auth === null) return {};
  switch (auth.type) {
    case "basic":
      return {
        authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`, "utf8").toString("base64")}`,
      };
    case "bearer":
      return { authorization: `Bearer ${auth.token}` };
    case "header":
      return { [auth.name.toLowerCase()]: auth.value };
  }
}
