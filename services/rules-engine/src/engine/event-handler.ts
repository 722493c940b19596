import type { HandlerOutcome, MessageHandler } from "@switchboard/bus";
import { parseSubject } from "@switchboard/events";
import type { RuleIndex } from "../rule-index.js";
import { messageIdOf } from "./inbound-handler.js";
import { processTriggered, type ProcessorDeps } from "./message-processor.js";

/** Rules on system events (`on: { event }`): the platform's own events, deduplicated by their id. */
export function eventHandler(deps: ProcessorDeps & { index: RuleIndex; stream: string }): MessageHandler {
  return async (msg): Promise<HandlerOutcome> => {
    const subject = parseSubject(msg.subject);
    if (subject?.kind !== "events" || subject.org === undefined || subject.rest.length !== 1)
      return { kind: "ack" };
    // Most events have no rules: nothing to claim or record.
    if (deps.index.rulesFor(subject.org, "event", subject.rest[0]!).length === 0) return { kind: "ack" };
    let payload: { messageId?: string; traceId?: string };
    try {
      payload = msg.json();
    } catch (error) {
      return {
        kind: "dead",
        stage: "invalid",
        reason: `event is not valid JSON: ${(error as Error).message}`,
      };
    }
    const messageId =
      typeof payload.messageId === "string" ? payload.messageId : messageIdOf(msg, deps.stream);
    return processTriggered(deps, msg, {
      orgId: subject.org,
      kind: "event",
      name: subject.rest[0]!,
      messageId,
      traceId: typeof payload.traceId === "string" ? payload.traceId : messageId,
      payload,
      dedup: { mode: "id" },
      rules: deps.index.candidatesFor(subject.org, "event", subject.rest[0]!, payload),
    });
  };
}
