import { describe, expect, it } from "vitest";
import { streamNames } from "@switchboard/bus";
import type { DeadLetterEntry } from "./dead-letter-entry.js";
import { logicalIdOf, planRepublish } from "./republish-plan.js";

const where = { namespace: "switchboard", orgId: "hrh", streams: streamNames("T_") };

const entry = (over: Partial<DeadLetterEntry> = {}): DeadLetterEntry => ({
  id: 42,
  stage: "undeclared",
  reason: "not declared",
  details: null,
  origin: {
    stream: "T_INBOUND",
    seq: 7,
    subject: "switchboard.inbound.hrh.scheduling.slotBooked",
    consumer: "rules-engine",
    msgId: "booking-1",
  },
  deliveries: 1,
  deadAt: "2026-11-21T10:00:00.000Z",
  headers: { "Switchboard-Trace-Id": "t-1", "X-Custom": "kept" },
  payload: {},
  payloadEncoding: "json",
  ...over,
});

describe("planRepublish", () => {
  it("sends the original back to its subject under a new broker id, keeping the logical id", () => {
    const planned = planRepublish(entry(), where, 3);
    expect(planned).toEqual({
      ok: true,
      plan: {
        subject: "switchboard.inbound.hrh.scheduling.slotBooked",
        stream: "T_INBOUND",
        msgId: "booking-1~retry-42-3",
        logicalId: "booking-1",
        headers: {
          "Switchboard-Trace-Id": "t-1",
          "X-Custom": "kept",
          "Switchboard-Message-Id": "booking-1",
          "Switchboard-Retry-Of": "42",
        },
      },
    });
  });

  it("sends a system event back to EVENTS", () => {
    const planned = planRepublish(
      entry({
        origin: { ...entry().origin, stream: "T_EVENTS", subject: "switchboard.events.hrh.planCreated" },
      }),
      where,
      1,
    );
    expect(planned.ok && planned.plan.stream).toBe("T_EVENTS");
  });

  it("refuses a subject of another org, of another kind, or none", () => {
    for (const subject of [
      "switchboard.inbound.other.scheduling.slotBooked",
      "switchboard.cmd.plans.createPlan",
      "switchboard.dlq.hrh.rules",
      "elsewhere.inbound.hrh.x",
      "switchboard.inbound.hrhx.y",
      null,
    ]) {
      const planned = planRepublish(entry({ origin: { ...entry().origin, subject } }), where, 1);
      expect(planned.ok, String(subject)).toBe(false);
    }
  });

  it("keeps the logical id across retries of retries, replacing the old header in any case", () => {
    const again = entry({
      origin: { ...entry().origin, msgId: "booking-1~retry-42-1" },
      headers: { "switchboard-message-id": "booking-1", "Switchboard-Retry-Of": "42" },
      id: 50,
    });
    const planned = planRepublish(again, where, 1);
    expect(planned.ok && planned.plan).toMatchObject({
      msgId: "booking-1~retry-50-1",
      headers: { "Switchboard-Message-Id": "booking-1", "Switchboard-Retry-Of": "50" },
    });
    expect(planned.ok && Object.keys(planned.plan.headers)).toHaveLength(2);
  });

  it("falls back to the origin's stream position when the message had no id", () => {
    expect(logicalIdOf(entry({ origin: { ...entry().origin, msgId: null } }))).toBe("T_INBOUND:7");
    expect(
      logicalIdOf(entry({ origin: { stream: null, seq: null, subject: null, consumer: null, msgId: null } })),
    ).toBe("dlq:42");
  });
});
