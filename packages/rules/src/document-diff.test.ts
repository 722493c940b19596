import { describe, expect, test } from "vitest";
import { diffDocuments } from "./index.js";
import { EXAMPLE_RULE } from "./test-fixtures.js";

describe("diffDocuments", () => {
  test("finds nothing between equal documents, whatever their key order", () => {
    expect(diffDocuments(EXAMPLE_RULE, structuredClone(EXAMPLE_RULE))).toEqual([]);
    expect(diffDocuments({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
  });

  test("shows what a new version of a rule changed, at JSON pointers", () => {
    const next = structuredClone(EXAMPLE_RULE) as unknown as Record<string, unknown>;
    next["when"] = { "==": [{ var: "status" }, "confirmed"] };
    delete next["description"];
    next["enabled"] = false;
    const action = (next["actions"] as Record<string, Record<string, unknown>>[])[0]!["assignForm"]!;
    action["formName"] = "Reminder2";
    (action["prefill"] as Record<string, unknown>)["room"] = { var: "slot.location" };
    expect(diffDocuments(EXAMPLE_RULE, next)).toEqual([
      { path: "/description", op: "remove", before: EXAMPLE_RULE.description },
      { path: "/enabled", op: "replace", before: true, after: false },
      { path: "/when/==/1", op: "replace", before: "booked", after: "confirmed" },
      {
        path: "/actions/0/assignForm/formName",
        op: "replace",
        before: "AppointmentReminder",
        after: "Reminder2",
      },
      { path: "/actions/0/assignForm/prefill/room", op: "add", after: { var: "slot.location" } },
    ]);
  });

  test("compares arrays index by index, adding and removing at the end", () => {
    expect(diffDocuments([1, 2, 3], [1, 5])).toEqual([
      { path: "/1", op: "replace", before: 2, after: 5 },
      { path: "/2", op: "remove", before: 3 },
    ]);
    expect(diffDocuments({ xs: [1] }, { xs: [1, 2, 3] })).toEqual([
      { path: "/xs/1", op: "add", after: 2 },
      { path: "/xs/2", op: "add", after: 3 },
    ]);
    expect(diffDocuments([1, 2, 3], [])).toEqual([
      { path: "/2", op: "remove", before: 3 },
      { path: "/1", op: "remove", before: 2 },
      { path: "/0", op: "remove", before: 1 },
    ]);
  });

  test("replaces a value whose kind changed, and escapes pointer segments", () => {
    expect(diffDocuments({ a: [1] }, { a: { 0: 1 } })).toEqual([
      { path: "/a", op: "replace", before: [1], after: { 0: 1 } },
    ]);
    expect(diffDocuments({ "a/b": 1, "c~d": 1 }, { "a/b": 2, "c~d": 1 })).toEqual([
      { path: "/a~1b", op: "replace", before: 1, after: 2 },
    ]);
    expect(diffDocuments(null, { a: 1 })).toEqual([
      { path: "", op: "replace", before: null, after: { a: 1 } },
    ]);
  });
});
