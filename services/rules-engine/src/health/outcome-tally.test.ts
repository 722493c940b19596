import { describe, expect, it } from "vitest";
import type { ConsumedMessage, HandlerOutcome } from "@switchboard/bus";
import { tallyOutcomes } from "./outcome-tally.js";

const AT = Date.parse("2026-12-03T10:42:00Z");
const HOUR = Date.parse("2026-12-03T10:00:00Z");

const message = (subject: string, deliveryCount = 1): ConsumedMessage => ({
  subject,
  data: new Uint8Array(),
  headers: {},
  seq: 1,
  deliveryCount,
  msgId: undefined,
  storedAt: new Date(AT),
  json: () => ({}) as never,
});

const ack: HandlerOutcome = { kind: "ack" };
const dead = (stage: string): HandlerOutcome => ({ kind: "dead", stage, reason: "why" });
const retry: HandlerOutcome = { kind: "retry", reason: "a command is down" };

/** What a tally says of an event that only failed, at AT, for `reason`. */
const failedOnly = (orgId: string, reason: string) => ({
  orgId,
  item: "lab.result",
  hour: HOUR,
  succeeded: 0,
  failed: 1,
  lastSuccessAt: null,
  lastFailureAt: AT,
  lastFailureReason: reason,
});

describe("tallyOutcomes", () => {
  it("counts acks as successes and dead letters as failures, per org and event, in the hour", () => {
    const messages = [
      message("sb.inbound.hrh.lab.result"),
      message("sb.inbound.hrh.lab.result"),
      message("sb.inbound.hrh.lab.result"),
      message("sb.inbound.other.lab.result"),
    ];
    const tallies = tallyOutcomes(messages, [ack, dead("invalid"), ack, dead("action-failed")], AT, 6);
    expect(tallies).toEqual([
      {
        orgId: "hrh",
        item: "lab.result",
        hour: HOUR,
        succeeded: 2,
        failed: 1,
        lastSuccessAt: AT,
        lastFailureAt: AT,
        lastFailureReason: "invalid",
      },
      failedOnly("other", "action-failed"),
    ]);
  });

  it("leaves out undeclared names and retries, except a retry the loop dead-letters on its last delivery", () => {
    const messages = [
      message("sb.inbound.hrh.lab.unknown"),
      message("sb.inbound.hrh.lab.result", 2),
      message("sb.inbound.hrh.lab.result", 6),
      message("sb.events.hrh.planCreated"),
    ];
    const tallies = tallyOutcomes(messages, [dead("undeclared"), retry, retry, ack], AT, 6);
    expect(tallies).toEqual([failedOnly("hrh", "rules")]);
  });
});
