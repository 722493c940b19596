export interface StatementBatcherOptions {
  /** Most items in one statement. */
  maxBatch: number;
  /** Statements running at once; what is submitted meanwhile waits for the next one. */
  maxRunning: number;
}

interface Submitted<I, O> {
  item: I;
  resolve(result: O): void;
  reject(error: unknown): void;
}

/**
 * Runs the small statements of many callers as one (group commit): what is submitted in one turn
 * of the event loop goes together, and while `maxRunning` statements are out, new items wait and
 * go in the next. A quiet engine writes each item at once; a busy one writes what piled up during
 * one round trip in the next. `run` answers one result per item, in order; when it throws, every
 * caller of that statement gets the error.
 */
export class StatementBatcher<I, O> {
  private queue: Submitted<I, O>[] = [];
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly run: (items: readonly I[]) => Promise<O[]>,
    private readonly options: StatementBatcherOptions,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.running >= this.options.maxRunning) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.queue.length > 0 && this.running < this.options.maxRunning) {
        void this.execute(this.queue.splice(0, Math.max(1, this.options.maxBatch)));
      }
    });
  }

  private async execute(statement: Submitted<I, O>[]): Promise<void> {
    this.running += 1;
    try {
      const results = await this.run(statement.map((s) => s.item));
      if (results.length !== statement.length)
        throw new Error(`a statement of ${statement.length} items answered ${results.length} results`);
      statement.forEach((s, i) => s.resolve(results[i] as O));
    } catch (error) {
      for (const s of statement) s.reject(error);
    } finally {
      this.running -= 1;
      this.schedule();
    }
  }
}
