import type { NatsConnection } from "@switchboard/bus";
import type { SubscriptionRecord } from "../contracts.js";
import type { DeliveryRuntime } from "./delivery-runtime.js";
import { parseEventMessage } from "./event-message.js";
import { readStoredEvent } from "./event-reader.js";
import { deliverOnce } from "./single-delivery.js";

/**
 * Delivers replayed events in the background, oldest first, one at a time, within the
 * subscription's rate limit, to that subscription only. A replay is not durable: one cut short by
 * a stop is visible in the delivery log and can be asked for again.
 */
export class Replayer {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly rt: DeliveryRuntime,
    private readonly nc: NatsConnection,
    private readonly stream: string,
  ) {}

  start(sub: SubscriptionRecord, seqs: readonly number[]): void {
    const task: Promise<void> = this.replay(sub, seqs)
      .catch((error: unknown) =>
        this.rt.logger.error({ err: error, subscriptionId: sub.id }, "a webhook replay stopped"),
      )
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  /** Resolves when every replay has ended; after the engine's stop signal, that is after the current attempts. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }

  private async replay(sub: SubscriptionRecord, seqs: readonly number[]): Promise<void> {
    for (const seq of seqs) {
      if (this.rt.stopping.aborted) return;
      const stored = await readStoredEvent(this.nc, this.stream, seq);
      if (stored === undefined) continue; // aged out of the stream since it was found
      const event = parseEventMessage(stored.subject, stored.data, stored.msgId);
      if (!event.ok) continue;
      const attempt = await deliverOnce(this.rt, sub, event.value, "replay", seq);
      if (attempt.outcome === "gone") return;
    }
  }
}
