import type { Kysely } from "kysely";
import type { SubscriptionRecord } from "../contracts.js";
import { markFailing, markSucceeded } from "../subscriptions/index.js";
import type { WebhookBridgeDB } from "../webhook-bridge.tables.js";

/**
 * When a subscription started failing, kept in its row. A success clears it when this replica
 * marked a failure since its last success, or when the record says so and has not been cleared
 * yet; otherwise a success writes nothing. Records are reloaded at every resync, so a failure
 * another replica marked is seen (and cleared by the next success here) within one.
 */
export class FailingClock {
  private readonly failingHere = new Set<string>();
  private readonly cleared = new WeakSet<SubscriptionRecord>();

  constructor(private readonly db: Kysely<WebhookBridgeDB>) {}

  async succeeded(sub: SubscriptionRecord): Promise<void> {
    const recordSaysFailing = sub.failingSince !== null && !this.cleared.has(sub);
    if (!this.failingHere.has(sub.id) && !recordSaysFailing) return;
    await markSucceeded(this.db, sub.id);
    this.failingHere.delete(sub.id);
    this.cleared.add(sub);
  }

  /** Marks a failure; returns the first failure since the last success (null: the subscription is gone). */
  async failed(sub: SubscriptionRecord, at: Date): Promise<Date | null> {
    const since = await markFailing(this.db, sub.id, at);
    this.failingHere.add(sub.id);
    return since;
  }
}
