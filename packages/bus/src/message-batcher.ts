import type { ConsumedMessage, HandlerOutcome, MessageHandler } from "./consumed-message.js";

/**
 * Works on messages a batch at a time: one outcome per message, in the order given. A message that
 * fails alone gets its own outcome (a retry, a dead letter) and leaves the others' alone; a throw
 * fails the whole batch, and each of its messages is retried as if its own handler had thrown.
 */
export type BatchHandler = (messages: readonly ConsumedMessage[]) => Promise<HandlerOutcome[]>;

export interface BatchingOptions {
  /** Most messages in one batch. */
  maxBatch: number;
  /**
   * How long the first message of a batch waits for others (ms) before the batch runs anyway. A
   * full batch runs at once; 0 still collects what arrives in the same turn of the event loop.
   */
  lingerMs: number;
}

interface Waiting {
  msg: ConsumedMessage;
  resolve(outcome: HandlerOutcome): void;
  reject(error: unknown): void;
}

/**
 * A per-message handler for the consume loop that hands its messages to `handle` in batches: the
 * loop keeps settling, keeping alive and tracking copies of each message as it does for any handler,
 * while the work (a transaction, a round trip) is shared by the batch. Batches run side by side;
 * how many messages are in flight at once stays the consume loop's concurrency.
 */
export function batchingHandler(handle: BatchHandler, options: BatchingOptions): MessageHandler {
  const maxBatch = Math.max(1, Math.floor(options.maxBatch));
  let waiting: Waiting[] = [];
  let cancelTimer: (() => void) | undefined;

  const flush = (): void => {
    cancelTimer?.();
    cancelTimer = undefined;
    const batch = waiting;
    waiting = [];
    if (batch.length > 0) void run(batch);
  };

  const run = async (batch: Waiting[]): Promise<void> => {
    let outcomes: HandlerOutcome[];
    try {
      outcomes = await handle(batch.map((w) => w.msg));
    } catch (error) {
      for (const w of batch) w.reject(error);
      return;
    }
    batch.forEach((w, i) => {
      const outcome = outcomes[i];
      if (outcome === undefined)
        w.reject(
          new Error(`the batch handler gave ${outcomes.length} outcomes for ${batch.length} messages`),
        );
      else w.resolve(outcome);
    });
  };

  return (msg) =>
    new Promise<HandlerOutcome>((resolve, reject) => {
      waiting.push({ msg, resolve, reject });
      if (waiting.length >= maxBatch) flush();
      else if (cancelTimer === undefined) cancelTimer = startTimer(flush, options.lingerMs);
    });
}

function startTimer(fn: () => void, ms: number): () => void {
  if (ms > 0) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  }
  const immediate = setImmediate(fn);
  return () => clearImmediate(immediate);
}
