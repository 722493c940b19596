import type { Kysely } from "kysely";
import { ErrorCodes, isSwitchboardError } from "@switchboard/errors";
import type { Logger } from "@switchboard/logger";
import type { Keyring } from "@switchboard/secrets";
import type { SubscriptionRecord } from "../contracts.js";
import { listEnabledSubscriptions, loadSubscription } from "../subscriptions/index.js";
import type { SubscriptionChange } from "./change-notification.js";
import { CoalescedRuns } from "./coalesced-runs.js";
import type { SubscriptionLoops } from "./subscription-loops.js";
import type { WebhookBridgeDB } from "../webhook-bridge.tables.js";

export interface SyncDeps {
  db: Kysely<WebhookBridgeDB>;
  keyring: Keyring;
  now: () => Date;
  logger: Logger;
  loops: SubscriptionLoops;
  /** What a deleted subscription leaves behind in this replica and on the server (its consumer). */
  release(subscriptionId: string): Promise<void>;
}

/**
 * Brings this replica's loops in line with the stored subscriptions: one of them when a change is
 * announced, all of them at start and at every resync. Runs for one subscription never overlap, and
 * requests that arrive meanwhile fold into one more run, so the last run reads the latest row.
 */
export class SubscriptionSync {
  private readonly runs: CoalescedRuns;

  constructor(private readonly deps: SyncDeps) {
    this.runs = new CoalescedRuns((error, key) =>
      deps.logger.warn({ err: error, key }, "reloading webhook subscriptions failed"),
    );
  }

  /** Every enabled subscription gets a loop; the others lose theirs. */
  resync(): Promise<void> {
    const { db, keyring, now, loops } = this.deps;
    return this.runs.request("*", async () =>
      loops.reconcile(await listEnabledSubscriptions(db, keyring, now(), this.unreadable)),
    );
  }

  reload({ orgId, subscriptionId }: SubscriptionChange): Promise<void> {
    const { db, keyring, now, loops } = this.deps;
    return this.runs.request(subscriptionId, async () => {
      let sub: SubscriptionRecord;
      try {
        sub = await loadSubscription(db, keyring, orgId, subscriptionId, now());
      } catch (error) {
        if (!(isSwitchboardError(error) && error.code === ErrorCodes.NotFound)) throw error;
        return this.forget(subscriptionId);
      }
      await loops.apply(sub);
    });
  }

  /** A deleted subscription: its loop stops and its consumer goes (idempotent, so every replica may). */
  async forget(subscriptionId: string): Promise<void> {
    await this.deps.loops.remove(subscriptionId);
    await this.deps.release(subscriptionId);
  }

  idle(): Promise<void> {
    return this.runs.idle();
  }

  /** Secrets that do not open cannot sign: the subscription is left out (its loop stops), and said so. */
  private readonly unreadable = (subscriptionId: string, error: unknown): void =>
    this.deps.logger.error(
      { err: error, subscriptionId },
      "a webhook subscription's secrets cannot be opened; it is not delivered",
    );
}
