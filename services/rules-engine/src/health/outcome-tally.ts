import type { ConsumedMessage, HandlerOutcome } from "@switchboard/bus";
import { noCount, type HealthCount } from "@switchboard/db";
import { parseSubject } from "@switchboard/events";

/**
 * What a batch's outcomes say about each inbound event (the count's item is its name), at `at` (ms):
 * - an ack is a success: the message's runs are recorded, or it is a duplicate of one that was;
 * - a dead letter is a failure, named by its stage (`invalid`, `rules`, `action-failed`), except
 *   `undeclared`: a name nobody declared has no health to show;
 * - a retry at or past `lastDelivery` is a failure too: the consume loop dead-letters it;
 *   any other retry is neither (the message comes again and is counted then).
 */
export function tallyOutcomes(
  messages: readonly ConsumedMessage[],
  outcomes: readonly HandlerOutcome[],
  at: number,
  lastDelivery: number,
): HealthCount[] {
  const tallies = new Map<string, HealthCount>();
  messages.forEach((msg, i) => {
    const outcome = outcomes[i];
    const failure = failureOf(outcome, msg.deliveryCount, lastDelivery);
    if (outcome?.kind !== "ack" && failure === undefined) return;
    const subject = parseSubject(msg.subject);
    if (subject?.kind !== "inbound" || subject.org === undefined || subject.rest.length === 0) return;
    const name = subject.rest.join(".");
    const key = `${subject.org}\n${name}`;
    let tally = tallies.get(key);
    if (tally === undefined) {
      tally = noCount(subject.org, name, at);
      tallies.set(key, tally);
    }
    if (failure === undefined) {
      tally.succeeded += 1;
      tally.lastSuccessAt = at;
    } else {
      tally.failed += 1;
      tally.lastFailureAt = at;
      tally.lastFailureReason = failure;
    }
  });
  return [...tallies.values()];
}

/** The reason a message failed for good, or undefined when it did not (or was never declared). */
function failureOf(
  outcome: HandlerOutcome | undefined,
  deliveryCount: number,
  lastDelivery: number,
): string | undefined {
  if (outcome === undefined) return undefined;
  if (outcome.kind === "dead") return outcome.stage === "undeclared" ? undefined : outcome.stage;
  if (outcome.kind === "retry" && deliveryCount >= lastDelivery) return "rules";
  return undefined;
}
