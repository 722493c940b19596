import type { ConsumedMessage, HandlerOutcome } from "@switchboard/bus";
import { parseSubject } from "@switchboard/events";
import { exceedsDepth, findForbiddenKey } from "@switchboard/http";
import type { RuleIndex } from "../rule-index.js";
import type { Sample } from "./samples.js";
import type { Triggered } from "./triggered.js";

/**
 * A message as the engine takes it in: settled at once (nothing to do, or refused with the reason),
 * or triggered: its org, trigger, payload and candidate rules known. A refused inbound message's
 * first delivery still leaves its sample, for the dry runs that show why it was refused.
 */
export type Intake =
  | { kind: "settled"; outcome: HandlerOutcome; sample?: Sample | undefined }
  | { kind: "triggered"; triggered: Triggered };

/** Reads a message of its stream: inbound events (INBOUND) or the platform's own events (EVENTS). */
export type IntakeOf = (msg: ConsumedMessage) => Intake;

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Deeper payloads are refused before anything recursive (schema validation, hashing, rules) sees them. */
const MAX_PAYLOAD_DEPTH = 64;

const ACK: Intake = { kind: "settled", outcome: { kind: "ack" } };

const dead = (stage: string, reason: string, extra: { details?: unknown; sample?: Sample } = {}): Intake => ({
  kind: "settled",
  outcome: {
    kind: "dead",
    stage,
    reason,
    ...(extra.details === undefined ? {} : { details: extra.details }),
  },
  sample: extra.sample,
});

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
 * Inbound events: the org's definition for the subject (none → DLQ `undeclared`, never retried),
 * the payload parsed and validated with the precompiled schema (→ DLQ `invalid` with the errors).
 */
export function inboundIntake(index: RuleIndex, stream: string): IntakeOf {
  return (msg) => {
    const subject = parseSubject(msg.subject);
    if (subject?.kind !== "inbound" || subject.org === undefined || subject.rest.length === 0)
      return dead("undeclared", `subject ${msg.subject} is not <ns>.inbound.<org>.<eventName>`);
    const orgId = subject.org;
    const name = subject.rest.join(".");
    const definition = index.definition(orgId, name);
    if (definition === undefined)
      return dead("undeclared", `inbound event "${name}" is not declared for org "${orgId}"`);
    const messageId = messageIdOf(msg, stream);
    const parsed = parsePayload(msg.data);
    if (!parsed.ok) return dead("invalid", parsed.reason);
    if (exceedsDepth(parsed.text, MAX_PAYLOAD_DEPTH))
      return dead("invalid", `payload is nested deeper than ${MAX_PAYLOAD_DEPTH} levels`);
    // The same keys the HTTP edge refuses: once copied into another object they can rewrite its prototype.
    const forbidden = findForbiddenKey(parsed.value);
    if (forbidden !== undefined)
      return dead("invalid", `payload key "${forbidden.at(-1)}" is not allowed (at /${forbidden.join("/")})`);
    const checked = definition.validate(parsed.value);
    const sample =
      msg.deliveryCount === 1
        ? {
            orgId,
            name,
            messageId,
            payload: parsed.value,
            valid: checked.ok,
            receivedAt: msg.storedAt,
          }
        : undefined;
    if (!checked.ok) {
      const reason = `payload does not match the schema of "${name}": ${checked.error
        .slice(0, 3)
        .map((e) => `${e.path || "/"} ${e.message}`)
        .join("; ")}`;
      return dead("invalid", reason, { details: checked.error, ...(sample === undefined ? {} : { sample }) });
    }
    return {
      kind: "triggered",
      triggered: {
        orgId,
        kind: "inbound",
        name,
        messageId,
        traceId: msg.headers["Switchboard-Trace-Id"] ?? messageId,
        payload: parsed.value,
        dedup: definition.dedup,
        rules: index.candidatesFor(orgId, "inbound", name, parsed.value),
        sample,
        time: msg.storedAt,
        cancellers: index.cancellersFor(orgId, "inbound", name),
      },
    };
  };
}

/** Rules on system events (`on: { event }`): the platform's own events, deduplicated by their id. */
export function eventIntake(index: RuleIndex, stream: string): IntakeOf {
  return (msg) => {
    const subject = parseSubject(msg.subject);
    if (subject?.kind !== "events" || subject.org === undefined || subject.rest.length !== 1) return ACK;
    const name = subject.rest[0]!;
    // Most events have no rules: nothing to claim or record.
    const cancellers = index.cancellersFor(subject.org, "event", name);
    if (index.rulesFor(subject.org, "event", name).length === 0 && cancellers.length === 0) return ACK;
    let payload: { messageId?: string; traceId?: string; occurredAt?: unknown };
    try {
      payload = msg.json();
    } catch (error) {
      return dead("invalid", `event is not valid JSON: ${(error as Error).message}`);
    }
    const messageId = typeof payload.messageId === "string" ? payload.messageId : messageIdOf(msg, stream);
    return {
      kind: "triggered",
      triggered: {
        orgId: subject.org,
        kind: "event",
        name,
        messageId,
        traceId: typeof payload.traceId === "string" ? payload.traceId : messageId,
        payload,
        dedup: { mode: "id" },
        rules: index.candidatesFor(subject.org, "event", name, payload),
        time: eventTime(payload.occurredAt) ?? msg.storedAt,
        cancellers,
      },
    };
  };
}

/** An event's own time, which its timers count from (so a redelivery or a dry run agrees). */
function eventTime(occurredAt: unknown): Date | undefined {
  if (typeof occurredAt !== "string") return undefined;
  const time = Date.parse(occurredAt);
  return Number.isNaN(time) ? undefined : new Date(time);
}
