import { describe, expect, it } from "vitest";
import { parseJsonWithPositions } from "./json-positions.js";

function parsed(text: string) {
  const result = parseJsonWithPositions(text);
  if (!result.ok) throw new Error(`expected JSON: ${result.message}`);
  return result;
}

function failure(text: string) {
  const result = parseJsonWithPositions(text);
  if (result.ok) throw new Error("expected a syntax error");
  return result;
}

describe("parseJsonWithPositions", () => {
  const text = [
    "{",
    '  "on": { "inbound": "a.b" },',
    '  "actions": [',
    '    { "emit": { "x": 1 } }',
    "  ]",
    "}",
  ].join("\n");

  it("locates a member at its key, one-based", () => {
    expect(parsed(text).locate("/on")).toEqual({ line: 2, column: 3 });
    expect(parsed(text).locate("/on/inbound")).toEqual({ line: 2, column: 11 });
    expect(parsed(text).locate("/actions/0/emit/x")).toEqual({ line: 4, column: 17 });
  });

  it("locates an array element at its value and the root at the start", () => {
    expect(parsed(text).locate("/actions/0")).toEqual({ line: 4, column: 5 });
    expect(parsed(text).locate("")).toEqual({ line: 1, column: 1 });
  });

  it("locates a missing member at its nearest written parent", () => {
    expect(parsed(text).locate("/actions/0/emit/missing")).toEqual({ line: 4, column: 7 });
    expect(parsed(text).locate("/nothing/here")).toEqual({ line: 1, column: 1 });
  });

  it("counts a tab as one column and ignores a byte-order mark", () => {
    expect(parsed('\uFEFF{\n\t"a": 1\n}').locate("/a")).toEqual({ line: 2, column: 2 });
  });

  it("gives a syntax error its position and names the usual slips", () => {
    expect(failure('{\n  "a": 1,\n}')).toEqual({
      ok: false,
      message: 'not JSON: a trailing comma before "}", which JSON does not allow',
      position: { line: 2, column: 9 },
    });
    expect(failure("{\n  a: 1\n}")).toMatchObject({
      message: expect.stringContaining("property names take double quotes"),
      position: { line: 2, column: 3 },
    });
    expect(failure("{'a': 1}")).toMatchObject({
      message: expect.stringContaining("strings take double quotes"),
      position: { line: 1, column: 2 },
    });
    expect(failure('{"a": 1 // note\n}')).toMatchObject({
      message: expect.stringContaining("no comments"),
      position: { line: 1, column: 9 },
    });
    expect(failure('{"a": 1\n "b": 2}')).toMatchObject({
      message: expect.stringContaining("comma missing"),
      position: { line: 2, column: 2 },
    });
  });

  it("points at a line break left unescaped in a string", () => {
    expect(failure('{\n  "a": "one\ntwo"\n}')).toMatchObject({
      message: 'not JSON: unexpected "\\n"',
      position: { line: 2, column: 12 },
    });
  });

  it("says where an unfinished or empty file ends", () => {
    expect(failure('{\n  "a": [1,')).toMatchObject({
      message: "not JSON: the file ends before the JSON value is complete",
      position: { line: 2, column: 11 },
    });
    expect(failure("  \n")).toMatchObject({
      message: "not JSON: the file is empty",
      position: { line: 1, column: 1 },
    });
  });

  it("refuses nesting too deep to read rather than crashing", () => {
    expect(failure("[".repeat(100_000) + "]".repeat(100_000))).toMatchObject({
      message: expect.stringContaining("cannot be read as JSON"),
      position: { line: 1, column: 1 },
    });
  });
});
