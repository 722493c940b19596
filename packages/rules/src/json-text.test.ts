import { describe, expect, test } from "vitest";
import { locatePointer, parseJsonDocument } from "./index.js";

const RULE_TEXT = `{
  "id": "r",
  "on": { "inbound": "scheduling.slotBooked" },
  "when": { "==": [{ "var": "status" }, "booked"] },
  "actions": [
    { "emit": { "eventType": "x", "info": {} } }
  ]
}
`;

describe("parseJsonDocument", () => {
  test("parses a rule file, tolerating a byte-order mark", () => {
    expect(parseJsonDocument(RULE_TEXT)).toMatchObject({ ok: true, value: { id: "r" } });
    expect(parseJsonDocument(`\uFEFF${RULE_TEXT}`)).toMatchObject({ ok: true, value: { id: "r" } });
  });

  test("refuses text that is not JSON with the line and column of the first error", () => {
    const missingComma = RULE_TEXT.replace('"booked"] },', '"booked"] }');
    expect(parseJsonDocument(missingComma)).toEqual({
      ok: false,
      error: [
        {
          path: "",
          code: "json",
          message: 'not valid JSON at line 5, column 3: expected "," or "}" after the value of "when"',
        },
      ],
    });
    const cases: [string, string][] = [
      ["", "line 1, column 1: the text is empty"],
      ['{"a": 1,}', "line 1, column 9: trailing comma before }"],
      ["{'a': 1}", "line 1, column 2: expected a property name in double quotes"],
      ["{\"a\": 'x'}", "line 1, column 7: strings must use double quotes"],
      ['{"a": tru}', 'line 1, column 7: unexpected "t"; expected a value'],
      ['{"a": "x\ny"}', 'line 1, column 9: unescaped control character "\\n" in a string'],
      ['{"a": "x\\qy"}', "line 1, column 10: invalid escape in a string"],
      ['{"a": "x', "line 1, column 9: the document ends inside a string"],
      ['{"a": 1} {"b": 2}', "line 1, column 10: unexpected text after the end"],
      ['{"a": [1, 2}', 'line 1, column 12: expected "," or "]" after an array item'],
      ['{"a": 01}', 'line 1, column 8: expected "," or "}"'],
      ['{"a":', "line 1, column 6: the document ends too early"],
    ];
    for (const [text, message] of cases) {
      const result = parseJsonDocument(text);
      expect(result.ok, text).toBe(false);
      if (!result.ok) expect(result.error[0]!.message, text).toContain(message);
    }
  });

  test("refuses duplicate keys, which JSON.parse would silently collapse", () => {
    const text = `{\n  "id": "r",\n  "when": true,\n  "when": false\n}`;
    expect(parseJsonDocument(text)).toEqual({
      ok: false,
      error: [
        {
          path: "/when",
          code: "json",
          message: "duplicate key at line 4: /when is given twice; JSON keeps only the last",
        },
      ],
    });
  });

  test("handles nesting beyond what a document needs without overflowing the stack", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const result = parseJsonDocument(deep);
    expect(result).toMatchObject({
      ok: false,
      error: [{ message: expect.stringContaining("nested more than 512 levels") }],
    });
  });

  test("accepts every JSON value kind and escape", () => {
    const text =
      '{"s": "a\\"b\\\\c\\u00e9\\n", "n": -1.5e3, "t": true, "f": false, "z": null, "a": [], "o": {}}';
    expect(parseJsonDocument(text)).toEqual({ ok: true, value: JSON.parse(text) });
  });
});

describe("locatePointer", () => {
  test("finds where a value starts, to put a line number on a problem", () => {
    expect(locatePointer(RULE_TEXT, "/when/==/0/var")).toEqual({ line: 4, column: 29 });
    expect(locatePointer(RULE_TEXT, "/actions/0/emit/eventType")).toEqual({ line: 6, column: 30 });
    expect(locatePointer(RULE_TEXT, "")).toEqual({ line: 1, column: 1 });
    expect(locatePointer(RULE_TEXT, "/nope")).toBeUndefined();
  });

  test("decodes keys and escapes pointer segments", () => {
    expect(locatePointer('{"a/b": {"c\\u0064": 1}}', "/a~1b/cd")).toEqual({ line: 1, column: 21 });
  });
});
