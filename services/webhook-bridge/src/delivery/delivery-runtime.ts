import type { Kysely } from "kysely";
import type { Logger } from "@switchboard/logger";
import type { DeliveryPools, DestinationCache, Resolve } from "@switchboard/webhooks";
import type { SubscriptionRecord } from "../contracts.js";
import type { AttemptLog } from "./attempt-log.js";
import type { DeliveryCounters } from "./delivery-counters.js";
import type { FailingClock } from "./failing-clock.js";
import type { RateLimits } from "./rate-limits.js";
import type { WebhookBridgeDB } from "../webhook-bridge.tables.js";

/** What every delivery path (consumers, test sends, replays) of one engine shares. */
export interface DeliveryRuntime {
  db: Kysely<WebhookBridgeDB>;
  logger: Logger;
  now: () => Date;
  /** Hosts and CIDRs webhooks may reach although private. */
  allowlist: readonly string[];
  resolve?: Resolve | undefined;
  /** Used when a subscription has no schedule of its own. */
  defaultScheduleMs: readonly number[];
  /** A subscription failing without a success for longer than this is disabled. */
  disableAfterMs: number;
  /**
   * How long a message in hand waits when its subscription is disabled under it (410, failing too
   * long): it comes again once the subscription is enabled and this has passed, and replicas that
   * have not heard of the change yet do not hammer the endpoint meanwhile.
   */
  parkedRedeliveryMs: number;
  pools: DeliveryPools;
  /** The SSRF guard's recent approvals (with `allowlist` and `resolve`), so a busy endpoint is not checked per POST. */
  destinations: DestinationCache;
  rateLimits: RateLimits;
  counters: DeliveryCounters;
  /** The consumers' lookups in and writes to the delivery log, batched. */
  attempts: AttemptLog;
  failing: FailingClock;
  /** Aborted when the engine stops, ending waits for a rate-limit token. */
  stopping: AbortSignal;
  /** Disables the subscription (once across replicas, with a webhookEndpointDisabled event) and stops its loops. */
  disable(
    sub: SubscriptionRecord,
    reason: string,
    failingSince: Date | null,
    traceId: string | undefined,
  ): Promise<void>;
}
