import { describe, expect, it } from "vitest";
import {
  consumerSpecOf,
  filterSubjectOf,
  loopShapeOf,
  wantsEventType,
  type ConsumerSettings,
} from "./subscription-consumer.js";

const settings: ConsumerSettings = {
  namespace: "switchboard",
  stream: "EVENTS",
  ackWaitMs: 10_000,
  concurrency: 4,
  bytesInFlight: 16 * 1_048_576,
};
const record = (eventTypes: string[], ordered = false) =>
  ({ id: "wh_1", orgId: "hrh", eventTypes, ordered }) as Parameters<typeof consumerSpecOf>[0];

describe("a subscription's consumer", () => {
  it("filters on the one type, or on the org's events when there are several (one filter subject on 2.9)", () => {
    expect(filterSubjectOf("switchboard", record(["planCreated"]))).toBe(
      "switchboard.events.hrh.planCreated",
    );
    expect(filterSubjectOf("switchboard", record(["planCreated", "formSubmitted"]))).toBe(
      "switchboard.events.hrh.*",
    );
    expect(filterSubjectOf("switchboard", record(["*"]))).toBe("switchboard.events.hrh.*");
  });

  it("refuses an org id that would widen the filter", () => {
    expect(() => filterSubjectOf("switchboard", { orgId: "*", eventTypes: ["planCreated"] })).toThrow();
    expect(() => filterSubjectOf("switchboard", { orgId: "a.b", eventTypes: ["planCreated"] })).toThrow();
  });

  it("skips the types it does not want", () => {
    expect(wantsEventType(record(["planCreated", "formSubmitted"]), "formSubmitted")).toBe(true);
    expect(wantsEventType(record(["planCreated", "formSubmitted"]), "formAssigned")).toBe(false);
    expect(wantsEventType(record(["*"]), "formAssigned")).toBe(true);
  });

  it("is named after the subscription, starts with new events, and keeps one in flight when ordered", () => {
    expect(consumerSpecOf(record(["planCreated"]), settings)).toEqual({
      durable: "wh_1",
      filterSubject: "switchboard.events.hrh.planCreated",
      ackWaitMs: 10_000,
      maxAckPending: 4,
      deliver: "new",
    });
    expect(consumerSpecOf(record(["planCreated"], true), settings).maxAckPending).toBe(1);
    expect(loopShapeOf(record(["planCreated"], true), settings)).not.toBe(
      loopShapeOf(record(["planCreated"]), settings),
    );
  });
});
