import type { Logger } from "@switchboard/logger";
import { emitEvent } from "@switchboard/outbox";
import type { DomainParts } from "@switchboard/runtime";
import type { SubscriptionRecord } from "../contracts.js";
import { disableSubscription } from "../subscriptions/index.js";
import type { SubscriptionChange } from "./change-notification.js";
import type { WebhookBridgeDB } from "../webhook-bridge.tables.js";

/** Who the webhookEndpointDisabled event names as having requested it. */
export const BRIDGE_ACTOR = "webhook-bridge";

export interface DisablerDeps {
  parts: Pick<DomainParts<WebhookBridgeDB>, "db" | "source" | "eventsWritten">;
  logger: Logger;
  now: () => Date;
  /** Stops this replica's loop; must not wait for it (the caller may be one of its handlers). */
  stopLoop(subscriptionId: string): void;
  announce(change: SubscriptionChange): void;
}

/**
 * Disables a subscription on the bridge's own authority. The row change and the event are one
 * transaction, and only the call that flips `enabled` writes the event, so several handlers (or
 * replicas) meeting the same 410 announce it once.
 */
export function endpointDisabler(deps: DisablerDeps) {
  return async (
    sub: SubscriptionRecord,
    reason: string,
    failingSince: Date | null,
    traceId: string | undefined,
  ): Promise<void> => {
    const { db, source } = deps.parts;
    const disabled = await db.transaction().execute(async (trx) => {
      if (!(await disableSubscription(trx, sub.id, reason, deps.now()))) return false;
      await emitEvent(
        trx,
        source,
        { orgId: sub.orgId, requestedBy: BRIDGE_ACTOR, traceId },
        "webhookEndpointDisabled",
        {
          subscriptionId: sub.id,
          url: sub.url,
          reason,
          failingSince: failingSince === null ? null : failingSince.toISOString(),
        },
      );
      return true;
    });
    if (disabled) {
      deps.parts.eventsWritten();
      deps.logger.warn({ subscriptionId: sub.id, orgId: sub.orgId, reason }, "webhook subscription disabled");
    }
    deps.stopLoop(sub.id);
    deps.announce({ orgId: sub.orgId, subscriptionId: sub.id });
  };
}
