import { describe, expect, it } from "vitest";
import { canonicalJson } from "./index.js";

describe("canonicalJson", () => {
  it("gives equal text for equal data whatever the key order, at every depth", () => {
    const a = { b: 1, a: { y: [3, { d: true, c: null }], x: "s" } };
    const b = { a: { x: "s", y: [3, { c: null, d: true }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"x":"s","y":[3,{"c":null,"d":true}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it("keeps array order, since order is data there", () => {
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it("sorts keys by code unit, not by locale or as integers", () => {
    expect(canonicalJson({ b: 0, B: 0, "10": 0, "9": 0, é: 0, z: 0 })).toBe(
      '{"10":0,"9":0,"B":0,"b":0,"z":0,"é":0}',
    );
  });

  it("follows JSON.stringify for values JSON cannot hold", () => {
    const value = {
      when: new Date("2025-01-02T03:04:05Z"),
      gone: undefined,
      fn: () => 1,
      inf: Infinity,
      list: [undefined, NaN],
    };
    expect(canonicalJson(value)).toBe('{"inf":null,"list":[null,null],"when":"2025-01-02T03:04:05.000Z"}');
    expect(canonicalJson(undefined)).toBe("null");
  });

  it("escapes strings as JSON does and reads back to the same data", () => {
    const value = { 'quote"and\\slash': "line\nbreak \u2028 \u0001", n: -0.5e-7 };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });

  it("allows shared references but refuses cycles and bigints", () => {
    const shared = { v: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"v":1},"b":{"v":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cycle/);
    expect(() => canonicalJson({ n: 1n })).toThrow(/bigint/);
  });
});
