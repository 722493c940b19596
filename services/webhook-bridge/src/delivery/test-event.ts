import { randomUUID } from "node:crypto";
import { assertNamespace, assertOrgId } from "@switchboard/events";
import type { SubscriptionRecord } from "../contracts.js";
import { BRIDGE_ACTOR } from "./endpoint-disabler.js";
import type { EventMessage } from "./event-message.js";

export const TEST_EVENT_TYPE = "webhookTest";

/**
 * The synthetic event of a test send: the envelope of a system event, messageType
 * `<ns>.<org>.webhookTest`, info `{ test: true }`. It is never published; it goes to this one
 * endpoint, signed like any delivery (and mapped, if the subscription maps).
 */
export function testEvent(
  namespace: string,
  branch: string,
  sub: SubscriptionRecord,
  now: Date,
): EventMessage {
  const messageId = randomUUID();
  const orgId = assertOrgId(sub.orgId);
  const value = {
    messageId,
    occurredAt: now.toISOString(),
    messageType: `${assertNamespace(namespace)}.${orgId}.${TEST_EVENT_TYPE}`,
    orgId,
    requestedBy: BRIDGE_ACTOR,
    traceId: messageId,
    branch,
    info: { test: true },
  };
  return {
    messageId,
    eventType: TEST_EVENT_TYPE,
    orgId,
    traceId: messageId,
    value,
    raw: JSON.stringify(value),
  };
}
