/**
 * Bounds how many handlers run at once, and optionally how many bytes of message data they hold,
 * and remembers every running one, so stop() can wait for all of them and no handler promise is
 * ever dropped.
 */
export class InFlight {
  private readonly running = new Set<Promise<void>>();
  /** Bytes of message data the running handlers hold. */
  private held = 0;

  /**
   * @param limit handlers at once
   * @param maxBytes bytes of message data at once (default: no bound but `limit`)
   */
  constructor(
    private readonly limit: number,
    private readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {}

  /** Slots free right now. */
  get free(): number {
    return Math.max(0, this.limit - this.running.size);
  }

  /**
   * How many more messages may start now if each may be as large as `largest` bytes: the free
   * slots, as far as the bytes left fit that many of the largest. One may always start when none
   * is running, so a message larger than the bound still gets its turn alone.
   */
  room(largest: number): number {
    if (this.maxBytes === Number.POSITIVE_INFINITY) return this.free;
    const fit = Math.floor((this.maxBytes - this.held) / Math.max(1, largest));
    return Math.min(this.free, this.running.size === 0 ? Math.max(1, fit) : Math.max(0, fit));
  }

  /** Waits until room(largest) is at least one. */
  async waitForRoom(largest: number): Promise<void> {
    while (this.room(largest) === 0) await Promise.race(this.running);
  }

  /** Tracks a started task, holding `bytes` of message data, until it settles; `task` must not reject. */
  add(task: Promise<void>, bytes: number): void {
    const p: Promise<void> = task.finally(() => {
      this.running.delete(p);
      this.held -= bytes;
    });
    this.running.add(p);
    this.held += bytes;
  }

  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }
}
