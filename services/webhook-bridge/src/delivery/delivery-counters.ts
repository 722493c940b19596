import type { AttemptView } from "../contracts.js";

/** An attempt's outcome, or an event the subscription does not want (other type, filter false). */
export type CountedOutcome = AttemptView["outcome"] | "skipped";

/**
 * Deliveries by kind and outcome since this engine started, in this replica. Kept in memory; a
 * metrics exporter reads `snapshot()`.
 */
export class DeliveryCounters {
  private readonly counts = new Map<string, number>();

  add(kind: AttemptView["kind"], outcome: CountedOutcome): void {
    const key = `${kind}:${outcome}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** `{ "delivery:delivered": 120, "delivery:skipped": 3, "replay:delivered": 2, … }` */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}
