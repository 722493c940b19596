export interface BatcherOptions {
  /** Most items in one batch. */
  maxBatch: number;
  /** Batches running at once; what is submitted meanwhile waits for the next one. Default: no limit. */
  maxRunning?: number;
  /**
   * How long the first item of a batch waits for others (ms) before the batch runs anyway; 0 (the
   * default) collects what is submitted in the same turn of the event loop. A full batch runs at once.
   */
  lingerMs?: number;
}

interface Submitted<I, O> {
  item: I;
  resolve(result: O): void;
  reject(error: unknown): void;
}

/**
 * Runs the work of many callers as one (a statement, a transaction: group commit): what is submitted
 * within `lingerMs` (or one turn of the event loop) goes together, up to `maxBatch`, and while
 * `maxRunning` batches are out, new items wait and go in the next. A quiet caller's item runs at
 * once; under load what piled up during one round trip goes in the next. `run` answers one result
 * per item, in order; when it throws, every caller of that batch gets the error.
 */
export class Batcher<I, O> {
  private queue: Submitted<I, O>[] = [];
  private running = 0;
  private cancelTimer: (() => void) | undefined;
  private readonly maxBatch: number;
  private readonly maxRunning: number;

  constructor(
    private readonly run: (items: readonly I[]) => Promise<O[]>,
    private readonly options: BatcherOptions,
  ) {
    this.maxBatch = Math.max(1, Math.floor(options.maxBatch));
    this.maxRunning = options.maxRunning ?? Number.POSITIVE_INFINITY;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flush();
      else this.schedule();
    });
  }

  private schedule(): void {
    if (this.cancelTimer !== undefined || this.queue.length === 0 || this.running >= this.maxRunning) return;
    this.cancelTimer = startTimer(() => {
      this.cancelTimer = undefined;
      this.flush();
    }, this.options.lingerMs ?? 0);
  }

  private flush(): void {
    while (this.queue.length > 0 && this.running < this.maxRunning) {
      void this.execute(this.queue.splice(0, this.maxBatch));
    }
    if (this.queue.length === 0) {
      this.cancelTimer?.();
      this.cancelTimer = undefined;
    }
  }

  private async execute(batch: Submitted<I, O>[]): Promise<void> {
    this.running += 1;
    try {
      const results = await this.run(batch.map((s) => s.item));
      if (results.length !== batch.length)
        throw new Error(`a statement of ${batch.length} items answered ${results.length} results`);
      batch.forEach((s, i) => s.resolve(results[i] as O));
    } catch (error) {
      for (const s of batch) s.reject(error);
    } finally {
      this.running -= 1;
      this.schedule();
    }
  }
}

function startTimer(fn: () => void, ms: number): () => void {
  if (ms > 0) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  }
  const immediate = setImmediate(fn);
  return () => clearImmediate(immediate);
}
