import type { ConsumedMessage, HandlerOutcome, MessageHandler } from "@switchboard/bus";
import { parseSubject } from "@switchboard/events";
import { exceedsDepth, findForbiddenKey } from "@switchboard/http";
import type { RuleIndex } from "../rule-index.js";
import { processTriggered, type ProcessorDeps } from "./message-processor.js";
import { saveSample } from "./samples.js";

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Deeper payloads are refused before anything recursive (schema validation, hashing, rules) sees them. */
const MAX_PAYLOAD_DEPTH = 64;

/** Parses without throwing; the engine must survive any bytes a third party publishes. */
function parsePayload(
  data: Uint8Array,
): { ok: true; value: unknown; text: string } | { ok: false; reason: string } {
  try {
    const text = decoder.decode(data);
    return { ok: true, value: JSON.parse(text), text };
  } catch (error) {
    return { ok: false, reason: `payload is not valid JSON: ${(error as Error).message}` };
  }
}

/**
 * The id dedup and action keys use: `Switchboard-Message-Id` when a message is a retry of an earlier
 * one (the dead-letter desk republishes under a new Nats-Msg-Id), else Nats-Msg-Id (also set from
 * Idempotency-Key or a CloudEvents id), else the stream position.
 */
export function messageIdOf(msg: ConsumedMessage, stream: string): string {
  const logical = msg.headers["Switchboard-Message-Id"];
  if (logical !== undefined && logical.length > 0 && logical.length <= 200) return logical;
  return msg.msgId ?? `${stream}:${msg.seq}`;
}

/**
 * Steps 1–2 for inbound events: the org's definition for the subject (none → DLQ `undeclared`,
 * never retried), the payload parsed and validated with the precompiled schema (→ DLQ `invalid`
 * with the errors); then the rules.
 */
export function inboundHandler(deps: ProcessorDeps & { index: RuleIndex; stream: string }): MessageHandler {
  return async (msg): Promise<HandlerOutcome> => {
    const subject = parseSubject(msg.subject);
    if (subject?.kind !== "inbound" || subject.org === undefined || subject.rest.length === 0) {
      return {
        kind: "dead",
        stage: "undeclared",
        reason: `subject ${msg.subject} is not <ns>.inbound.<org>.<eventName>`,
      };
    }
    const orgId = subject.org;
    const name = subject.rest.join(".");
    const definition = deps.index.definition(orgId, name);
    if (definition === undefined) {
      return {
        kind: "dead",
        stage: "undeclared",
        reason: `inbound event "${name}" is not declared for org "${orgId}"`,
      };
    }
    const messageId = messageIdOf(msg, deps.stream);
    const parsed = parsePayload(msg.data);
    if (!parsed.ok) return { kind: "dead", stage: "invalid", reason: parsed.reason };
    if (exceedsDepth(parsed.text, MAX_PAYLOAD_DEPTH)) {
      return {
        kind: "dead",
        stage: "invalid",
        reason: `payload is nested deeper than ${MAX_PAYLOAD_DEPTH} levels`,
      };
    }
    // The same keys the HTTP edge refuses: once copied into another object they can rewrite its prototype.
    const forbidden = findForbiddenKey(parsed.value);
    if (forbidden !== undefined) {
      return {
        kind: "dead",
        stage: "invalid",
        reason: `payload key "${forbidden.at(-1)}" is not allowed (at /${forbidden.join("/")})`,
      };
    }
    const checked = definition.validate(parsed.value);
    const sample =
      msg.deliveryCount === 1
        ? { orgId, name, messageId, payload: parsed.value, valid: checked.ok }
        : undefined;
    if (!checked.ok) {
      if (sample !== undefined) await saveSample(deps.db, sample);
      return {
        kind: "dead",
        stage: "invalid",
        reason: `payload does not match the schema of "${name}": ${checked.error
          .slice(0, 3)
          .map((e) => `${e.path || "/"} ${e.message}`)
          .join("; ")}`,
        details: checked.error,
      };
    }
    return processTriggered(deps, msg, {
      orgId,
      kind: "inbound",
      name,
      messageId,
      traceId: msg.headers["Switchboard-Trace-Id"] ?? messageId,
      payload: parsed.value,
      dedup: definition.dedup,
      rules: deps.index.candidatesFor(orgId, "inbound", name, parsed.value),
      sample,
    });
  };
}
