import type { BatchHandler, HandlerOutcome } from "@switchboard/bus";
import type { HealthCountWriter } from "@switchboard/db";
import { tallyOutcomes } from "./outcome-tally.js";

/**
 * The inbound consumer's batch handler, its outcomes tallied for the events' health once the batch
 * is done, and handed to the writer without waiting: the acks go out first. A batch that throws is
 * retried whole by the loop; its messages on their last delivery are dead-lettered, and counted so.
 */
export function countedBatches(
  handle: BatchHandler,
  writer: HealthCountWriter,
  options: { lastDelivery: number; now: () => Date },
): BatchHandler {
  return async (messages) => {
    let outcomes: HandlerOutcome[];
    try {
      outcomes = await handle(messages);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const retries = messages.map((): HandlerOutcome => ({ kind: "retry", reason }));
      writer.add(tallyOutcomes(messages, retries, options.now().getTime(), options.lastDelivery));
      throw error;
    }
    writer.add(tallyOutcomes(messages, outcomes, options.now().getTime(), options.lastDelivery));
    return outcomes;
  };
}
