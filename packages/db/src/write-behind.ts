/**
 * Writes off a hot path: callers hand items over and go on without waiting. One write at a time
 * takes everything handed over meanwhile, so callers pay at most one statement each, and fewer
 * under load; with `lingerMs`, a write first waits that long for more, so a busy path pays one
 * statement per `lingerMs` at most. A write that fails is reported to `onError` and not retried:
 * only for what a later pass or a lost count makes up for.
 */
export class WriteBehind<T> {
  private queued: T[] = [];
  private writing: Promise<void> | undefined;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly onError: (error: unknown, items: T[]) => void,
    private readonly options: { lingerMs?: number } = {},
  ) {}

  add(items: readonly T[]): void {
    if (items.length === 0) return;
    this.queued.push(...items);
    this.writing ??= this.writeAll();
  }

  /** Waits until everything handed over was written (or refused). */
  async drain(): Promise<void> {
    await this.writing;
  }

  private async writeAll(): Promise<void> {
    const linger = this.options.lingerMs ?? 0;
    while (this.queued.length > 0) {
      if (linger > 0) await new Promise((resolve) => setTimeout(resolve, linger));
      const items = this.queued;
      this.queued = [];
      try {
        await this.write(items);
      } catch (error) {
        this.onError(error, items);
      }
    }
    this.writing = undefined;
  }
}
