import { describe, expect, it } from "vitest";
import { ErrorCodes } from "@switchboard/errors";
import {
  commandSubject,
  dlqFilter,
  dlqSubject,
  eventFilter,
  eventSubject,
  inboundFilter,
  inboundSubject,
  parseSubject,
} from "./subjects.js";

describe("subject builders", () => {
  it("follow the documented layout", () => {
    expect(eventSubject("switchboard", "hrh", "planCreated")).toBe("switchboard.events.hrh.planCreated");
    expect(inboundSubject("switchboard", "hrh", "scheduling.slotBooked")).toBe(
      "switchboard.inbound.hrh.scheduling.slotBooked",
    );
    expect(dlqSubject("switchboard", "hrh", "rules")).toBe("switchboard.dlq.hrh.rules");
    expect(commandSubject("switchboard", "forms", "assignForm")).toBe("switchboard.cmd.forms.assignForm");
  });

  it("build filters with wildcards", () => {
    expect(eventFilter("sb")).toBe("sb.events.>");
    expect(eventFilter("sb", "hrh")).toBe("sb.events.hrh.>");
    expect(eventFilter("sb", "hrh", "formSubmitted")).toBe("sb.events.hrh.formSubmitted");
    expect(eventFilter("sb", undefined, "formSubmitted")).toBe("sb.events.*.formSubmitted");
    expect(inboundFilter("sb")).toBe("sb.inbound.>");
    expect(inboundFilter("sb", "hrh")).toBe("sb.inbound.hrh.>");
    expect(dlqFilter("sb")).toBe("sb.dlq.>");
    expect(dlqFilter("sb", "hrh")).toBe("sb.dlq.hrh.>");
  });

  it.each([
    () => eventSubject("switchboard", "hrh.other", "planCreated"),
    () => eventSubject("switchboard", "*", "planCreated"),
    () => eventSubject("switch.board", "hrh", "planCreated"),
    () => eventSubject("switchboard", "hrh", ">"),
    () => eventFilter("switchboard", ">"),
    () => inboundSubject("switchboard", "hrh", "scheduling.>"),
    () => dlqSubject("switchboard", "hrh", "a.b"),
    () => commandSubject("switchboard", "forms", "assign form"),
    () => commandSubject("switchboard", "", "assignForm"),
  ])("refuse a token that would change the subject (%#)", (build) => {
    expect(build).toThrowError(expect.objectContaining({ code: ErrorCodes.InvalidName }));
  });
});

describe("parseSubject", () => {
  it.each([
    [
      eventSubject("sb", "hrh", "planCreated"),
      { namespace: "sb", kind: "events", org: "hrh", rest: ["planCreated"] },
    ],
    [
      inboundSubject("sb", "hrh", "scheduling.slotBooked"),
      { namespace: "sb", kind: "inbound", org: "hrh", rest: ["scheduling", "slotBooked"] },
    ],
    [inboundSubject("sb", "hrh", "ping"), { namespace: "sb", kind: "inbound", org: "hrh", rest: ["ping"] }],
    [dlqSubject("sb", "org-2", "webhook"), { namespace: "sb", kind: "dlq", org: "org-2", rest: ["webhook"] }],
    [
      commandSubject("sb", "workQueues", "setItemStatus"),
      { namespace: "sb", kind: "cmd", rest: ["workQueues", "setItemStatus"] },
    ],
  ])("round-trips %s", (subject, parsed) => {
    expect(parseSubject(subject)).toEqual(parsed);
  });

  it.each([
    "",
    "sb",
    "sb.events",
    "sb.events.hrh",
    "sb.events.hrh.planCreated.extra",
    "sb.events.hrh.*",
    "sb.events.>",
    "sb.inbound.hrh",
    "sb.inbound.hrh.a..b",
    "sb.dlq.hrh",
    "sb.dlq.hrh.a.b",
    "sb.cmd.forms",
    "sb.cmd.forms.assignForm.x",
    "sb.other.hrh.x",
    ".events.hrh.planCreated",
    "sb.events.h rh.planCreated",
  ])("gives undefined for %j", (subject) => {
    expect(parseSubject(subject)).toBeUndefined();
  });
});
