import { describe, expect, it } from "vitest";
import { parseEventMessage } from "./event-message.js";

const bytes = (value: unknown) =>
  new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));

describe("parseEventMessage", () => {
  it("takes org and type from the subject, the id from the event", () => {
    const parsed = parseEventMessage(
      "switchboard.events.hrh.planCreated",
      bytes({ messageId: "m-1", traceId: "t-1" }),
      "other",
    );
    expect(parsed).toMatchObject({
      ok: true,
      value: { messageId: "m-1", orgId: "hrh", eventType: "planCreated", traceId: "t-1" },
    });
  });

  it("falls back on Nats-Msg-Id, and refuses what cannot be sent", () => {
    expect(parseEventMessage("switchboard.events.hrh.planCreated", bytes({}), "m-2")).toMatchObject({
      value: { messageId: "m-2" },
    });
    expect(parseEventMessage("switchboard.events.hrh.planCreated", bytes({}), undefined).ok).toBe(false);
    expect(
      parseEventMessage("switchboard.events.hrh.planCreated", bytes({ messageId: "a b" }), undefined).ok,
    ).toBe(false);
    expect(parseEventMessage("switchboard.events.hrh.planCreated", bytes("not json"), "m").ok).toBe(false);
    expect(parseEventMessage("switchboard.events.hrh.planCreated", bytes([1]), "m").ok).toBe(false);
    expect(parseEventMessage("switchboard.inbound.hrh.x", bytes({}), "m").ok).toBe(false);
  });
});
