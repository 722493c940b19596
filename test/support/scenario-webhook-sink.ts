import { Webhook } from "standardwebhooks";
import { waitFor } from "@switchboard/testing";
import {
  WebhookReceiver,
  type ReceivedRequest,
} from "../../services/webhook-bridge/test/support/delivery/webhook-receiver.js";

/** A third party's endpoint on 127.0.0.1 that keeps every request byte for byte (the bridge's own tests use it too). */
export { WebhookReceiver as WebhookSink, type ReceivedRequest as SinkRequest };

export interface SinkWait {
  count?: number;
  where?: (request: ReceivedRequest) => boolean;
  timeoutMs?: number;
}

/** Waits until `path` got at least `count` requests that pass `where`, and returns those. */
export function requestsTo(
  sink: WebhookReceiver,
  path: string,
  { count = 1, where = () => true, timeoutMs = 60_000 }: SinkWait = {},
): Promise<ReceivedRequest[]> {
  return waitFor(
    () => {
      const found = sink.to(path).filter(where);
      return found.length >= count && found;
    },
    { timeoutMs, what: `${count} webhook request(s) to ${path} (have ${sink.to(path).length} in all)` },
  );
}

/**
 * What the receiver does before trusting a request: verify its Standard Webhooks signature with
 * the reference library and the subscription's secret. Returns the parsed body; throws when the
 * signature does not verify.
 */
export function verifiedBody(secret: string, request: ReceivedRequest): any {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return new Webhook(secret).verify(request.body, headers);
}
