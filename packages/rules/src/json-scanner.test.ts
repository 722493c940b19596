import { describe, expect, test } from "vitest";
import { scanJson, textPositions } from "./index.js";

describe("scanJson", () => {
  test("keeps where each value and each member's key was written, the last of a key given twice", () => {
    const scan = scanJson('\uFEFF{"a": [1, {"b": 2}], "a": 3}');
    expect(scan).toMatchObject({ ok: true, text: '{"a": [1, {"b": 2}], "a": 3}', value: { a: 3 } });
    expect(scan.written.get("")).toEqual({ value: 0 });
    expect(scan.written.get("/a")).toEqual({ key: 21, value: 26 });
    expect(scan.written.get("/a/1/b")).toEqual({ key: 11, value: 16 });
    expect(scan.ok && scan.duplicates).toEqual([{ pointer: "/a", offset: 21 }]);
  });

  test("says what kind of syntax error stops it, and where", () => {
    const cases: [string, string, number][] = [
      [" \n ", "empty", 0],
      ['{"a": [1,  \n', "end", 9],
      ['{"a": "x', "end", 8],
      ["[".repeat(600), "depth", 513],
      ['{"a": 1,}', "unexpected", 8],
      ['{"a": "x\\qy"}', "unexpected", 9],
    ];
    for (const [text, kind, offset] of cases) {
      expect(scanJson(text), text).toMatchObject({ ok: false, error: { kind, offset } });
    }
  });
});

describe("textPositions", () => {
  test("gives one-based lines and columns, a tab counting as one column", () => {
    const at = textPositions("a\n\tb\n\nc");
    expect([0, 1, 2, 3, 5, 6].map(at)).toEqual([
      { line: 1, column: 1 },
      { line: 1, column: 2 },
      { line: 2, column: 1 },
      { line: 2, column: 2 },
      { line: 3, column: 1 },
      { line: 4, column: 1 },
    ]);
  });
});
