import type { ConsumerRunner } from "@switchboard/bus";
import type { Logger } from "@switchboard/logger";
import type { SubscriptionRecord } from "../contracts.js";

export interface LoopFactory {
  /** Provisions what the loop pulls from (the subscription's consumer). */
  prepare(sub: SubscriptionRecord): Promise<void>;
  /** Starts pulling; the loop's record is already `current` when this runs. */
  run(sub: SubscriptionRecord): ConsumerRunner;
  /** What the loop is started with; a record of another shape restarts it. */
  shapeOf(sub: SubscriptionRecord): string;
}

type Loop = { sub: SubscriptionRecord; shape: string; runner?: ConsumerRunner };

/**
 * The pull loops this replica runs, one per enabled subscription, with the latest record of each
 * (handlers read it per message, so a new URL or secret applies at once). Changes to one
 * subscription run one after another, so a quick save-then-disable cannot leave a loop behind.
 */
export class SubscriptionLoops {
  private readonly loops = new Map<string, Loop>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly factory: LoopFactory,
    private readonly logger: Logger,
  ) {}

  /** The record the running loop delivers with; undefined when this replica runs none. */
  current(subscriptionId: string): SubscriptionRecord | undefined {
    return this.loops.get(subscriptionId)?.sub;
  }

  get size(): number {
    return this.loops.size;
  }

  /** Runs, restarts (new filter or in-flight limit) or stops the subscription's loop to match the record. */
  apply(sub: SubscriptionRecord): Promise<void> {
    return this.enqueue(sub.id, async () => {
      if (!sub.enabled) return this.halt(sub.id);
      const shape = this.factory.shapeOf(sub);
      const running = this.loops.get(sub.id);
      if (running !== undefined && running.shape === shape) {
        running.sub = sub;
        return;
      }
      await this.halt(sub.id);
      await this.factory.prepare(sub);
      const loop: Loop = { sub, shape };
      this.loops.set(sub.id, loop);
      loop.runner = this.factory.run(sub);
    });
  }

  /**
   * Stops the loop; its messages stay with the consumer. Callable from one of the loop's own
   * handlers as long as the handler does not wait for it (the loop waits for its handlers).
   */
  remove(subscriptionId: string): Promise<void> {
    return this.enqueue(subscriptionId, () => this.halt(subscriptionId));
  }

  /** Loops for exactly these subscriptions (the enabled ones); others stop. */
  async reconcile(enabled: SubscriptionRecord[]): Promise<void> {
    const wanted = new Set(enabled.map((s) => s.id));
    const gone = [...this.loops.keys()].filter((id) => !wanted.has(id));
    await Promise.all([...enabled.map((s) => this.apply(s)), ...gone.map((id) => this.remove(id))]);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.loops.keys()].map((id) => this.remove(id)));
    await Promise.all(this.queues.values());
  }

  private async halt(subscriptionId: string): Promise<void> {
    const loop = this.loops.get(subscriptionId);
    if (loop === undefined) return;
    this.loops.delete(subscriptionId);
    await loop.runner?.stop();
  }

  private enqueue(subscriptionId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(subscriptionId) ?? Promise.resolve();
    const next = previous.then(work).catch((error: unknown) => {
      this.logger.error(
        { err: error, subscriptionId },
        "starting or stopping a webhook subscription's loop failed",
      );
    });
    this.queues.set(subscriptionId, next);
    void next.then(() => {
      if (this.queues.get(subscriptionId) === next) this.queues.delete(subscriptionId);
    });
    return next;
  }
}
