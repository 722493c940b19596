import { ValidationError } from "@switchboard/errors";
import { signatureHeader } from "./signature.js";

export const USER_AGENT = "Switchboard-Webhooks/1";

export interface WebhookHeadersOptions {
  /** The event's messageId: the receiver's dedup key, the same on every attempt. */
  msgId: string;
  /** Seconds since the epoch, taken at each attempt (receivers reject stale timestamps). */
  timestamp: number;
  body: string;
  /** The current secret first; during rotation the previous one too. */
  secrets: readonly string[];
}

const HEADER_SAFE = /^[\x21-\x7e]{1,256}$/;

/** The Standard Webhooks request headers for one attempt. */
export function webhookHeaders(opts: WebhookHeadersOptions): Record<string, string> {
  if (!HEADER_SAFE.test(opts.msgId)) {
    throw new ValidationError("webhook-id must be 1 to 256 visible ASCII characters");
  }
  return {
    "webhook-id": opts.msgId,
    "webhook-timestamp": String(opts.timestamp),
    "webhook-signature": signatureHeader(opts.secrets, opts.msgId, opts.timestamp, opts.body),
    "content-type": "application/json",
    "user-agent": USER_AGENT,
  };
}
