import { Batcher } from "./batcher.js";
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

/**
 * A per-message handler for the consume loop that hands its messages to `handle` in batches: the
 * loop keeps settling, keeping alive and tracking copies of each message as it does for any handler,
 * while the work (a transaction, a round trip) is shared by the batch. Batches run side by side;
 * how many messages are in flight at once stays the consume loop's concurrency.
 */
export function batchingHandler(handle: BatchHandler, options: BatchingOptions): MessageHandler {
  const batcher = new Batcher(handle, options);
  return (msg) => batcher.submit(msg);
}
