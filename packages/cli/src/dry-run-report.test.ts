import { describe, expect, it } from "vitest";
import { describeResult } from "./dry-run-report.js";

describe("a dry run's report", () => {
  const action = { index: 0, type: "assignForm", params: { userId: "pat-1" } };

  it("says when a rule's timer would fire and by which key it is cancelled, before its actions", () => {
    const lines = describeResult(
      {
        valid: true,
        matched: true,
        actions: [action],
        timer: { dueAt: "2026-12-02T09:30:00.000Z", key: "bk-1" },
      },
      { event: 3 },
    );
    expect(lines[0]).toBe(
      'event 3: valid, matched: a timer due at 2026-12-02T09:30:00.000Z (key "bk-1"), then 1 action',
    );
    expect(JSON.parse(lines[1]!)).toEqual([action]);
  });

  it("leaves the timer out for a rule without one, and the key out for a timer without one", () => {
    expect(describeResult({ valid: true, matched: true, actions: [action] }, { event: 1 })[0]).toBe(
      "event 1: valid, matched: 1 action",
    );
    const keyless = {
      valid: true,
      matched: true,
      actions: [],
      timer: { dueAt: "2026-12-02T09:30:00.000Z", key: null },
    };
    expect(describeResult(keyless, { event: 2 })[0]).toBe(
      "event 2: valid, matched: a timer due at 2026-12-02T09:30:00.000Z, then 0 actions",
    );
  });
});
