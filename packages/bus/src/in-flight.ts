/**
 * Bounds how many handlers run at once and remembers every running one, so stop() can wait
 * for all of them and no handler promise is ever dropped.
 */
export class InFlight {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly limit: number) {}

  /** Slots free right now. */
  get free(): number {
    return Math.max(0, this.limit - this.running.size);
  }

  async waitForSlot(): Promise<void> {
    while (this.running.size >= this.limit) await Promise.race(this.running);
  }

  /** Tracks a started task until it settles; `task` must not reject. */
  add(task: Promise<void>): void {
    const p: Promise<void> = task.finally(() => this.running.delete(p));
    this.running.add(p);
  }

  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }
}
