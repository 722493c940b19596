import { describe, expect, it } from "vitest";
import { ErrorCodes } from "@switchboard/errors";
import { buildEvent, eventTypeOf, parseMessageType } from "./envelope.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const base = { namespace: "switchboard", orgId: "hrh", requestedBy: "user-1", branch: "master" };

describe("buildEvent", () => {
  it("fills messageId, occurredAt and messageType, and starts a trace at itself", () => {
    const event = buildEvent({
      ...base,
      eventType: "formSubmitted",
      info: {
        planId: "242b7766-ac9e-451f-9fe4-dd54489108c1",
        formName: "Intake",
        formAssignmentId: "5d0c7b0e-6c39-4a55-9bd4-7f6f6a0d2f10",
        data: { answer: 42 },
        isTest: false,
      },
      now: () => new Date(Date.UTC(2026, 10, 21, 10, 0, 0)),
    });
    expect(event.messageId).toMatch(UUID);
    expect(event.traceId).toBe(event.messageId);
    expect(event.occurredAt).toBe("2026-11-21T10:00:00.000Z");
    expect(event.messageType).toBe("switchboard.hrh.formSubmitted");
    expect(event.info.formName).toBe("Intake");
    expect(Object.keys(event).sort()).toEqual(
      ["branch", "info", "messageId", "messageType", "occurredAt", "orgId", "requestedBy", "traceId"].sort(),
    );
  });

  it("keeps a given messageId and continues a given trace", () => {
    const event = buildEvent({ ...base, eventType: "custom", info: {}, messageId: "m-1", traceId: "t-0" });
    expect(event.messageId).toBe("m-1");
    expect(event.traceId).toBe("t-0");
  });

  it("gives each event its own id", () => {
    const a = buildEvent({ ...base, eventType: "custom", info: {} });
    const b = buildEvent({ ...base, eventType: "custom", info: {} });
    expect(a.messageId).not.toBe(b.messageId);
  });

  it.each([{ orgId: "a.b" }, { namespace: "switch board" }, { eventType: "plan.created" }])(
    "refuses a name that would break messageType: %o",
    (override) => {
      expect(() => buildEvent({ ...base, eventType: "custom", info: {}, ...override })).toThrowError(
        expect.objectContaining({ code: ErrorCodes.InvalidName }),
      );
    },
  );

  it("refuses an invalid clock reading", () => {
    expect(() =>
      buildEvent({ ...base, eventType: "custom", info: {}, now: () => new Date(Number.NaN) }),
    ).toThrowError(expect.objectContaining({ code: ErrorCodes.Validation }));
  });
});

describe("messageType", () => {
  it("is parsed back into its parts", () => {
    expect(parseMessageType("switchboard.hrh.planCreated")).toEqual({
      namespace: "switchboard",
      orgId: "hrh",
      eventType: "planCreated",
    });
    expect(eventTypeOf({ messageType: "healix.hrh.formSubmitted" })).toBe("formSubmitted");
  });

  it.each(["", "a.b", "a.b.c.d", "a..c", "a.b.*", "a.b c.d"])("gives undefined for %j", (messageType) => {
    expect(parseMessageType(messageType)).toBeUndefined();
    expect(eventTypeOf({ messageType })).toBeUndefined();
  });
});

describe("buildEvent types", () => {
  it("types info by event type", () => {
    const event = buildEvent({
      namespace: "switchboard",
      orgId: "hrh",
      requestedBy: "user-1",
      branch: "master",
      eventType: "workQueueItemCreated",
      info: {
        planId: "242b7766-ac9e-451f-9fe4-dd54489108c1",
        workQueueName: "HomeVisits",
        workQueueItemId: "8f1c2c8e-3b8a-4f7e-9f5e-0d5b8e6c1a22",
        status: "new",
        priority: 1,
        serviceLocation: null,
        isTest: false,
      },
    });
    const priority: number = event.info.priority;
    expect(priority).toBe(1);
    buildEvent({
      namespace: "switchboard",
      orgId: "hrh",
      requestedBy: "user-1",
      branch: "master",
      eventType: "planCreated",
      // @ts-expect-error a planCreated event needs templateName, userId and roleAssignments
      info: { planId: "242b7766-ac9e-451f-9fe4-dd54489108c1", isTest: false },
    });
  });
});
