import { describe, expect, it } from "vitest";
import { jsonCopy } from "./index.js";

const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

/** The same value as the round trip, key order included (toEqual alone ignores order and -0). */
function expectAsRoundTrip(value: unknown): void {
  const copied = jsonCopy(value);
  expect(JSON.stringify(copied)).toBe(JSON.stringify(value));
  expect(copied).toStrictEqual(roundTrip(value));
}

describe("jsonCopy", () => {
  it("copies JSON data deeply, sharing nothing with the original", () => {
    const original = { a: [1, { b: "x", c: [true, null] }], d: { e: { f: 2.5 } } };
    const copied = jsonCopy(original) as typeof original;
    expect(copied).toStrictEqual(original);
    expect(copied).not.toBe(original);
    expect(copied.a).not.toBe(original.a);
    expect(copied.a[1]).not.toBe(original.a[1]);
    expect(copied.d.e).not.toBe(original.d.e);
    (copied.d.e as { f: number }).f = 3;
    expect(original.d.e.f).toBe(2.5);
  });

  it("gives what a JSON round trip gives for values JSON cannot hold", () => {
    const value = {
      when: new Date("2025-01-02T03:04:05Z"),
      gone: undefined,
      fn: () => 1,
      sym: Symbol("s"),
      inf: Infinity,
      nan: NaN,
      negativeZero: -0,
      list: [undefined, NaN, () => 1, Symbol("t"), -Infinity, -0],
      boxed: [Object(1), Object("s"), Object(false)],
      custom: { toJSON: (key: string) => `custom at ${key}` },
      inArray: [{ toJSON: (key: string) => `element ${key}` }],
      buffer: Buffer.from("hi"),
      bytes: new Uint8Array([7, 8]),
      map: new Map([["k", 1]]),
      [Symbol("key")]: 1,
    };
    expectAsRoundTrip(value);
    expect(Object.is((jsonCopy({ z: -0 }) as { z: number }).z, 0)).toBe(true);
    expect(jsonCopy({ list: [1, , 3] })).toStrictEqual({ list: [1, null, 3] });
  });

  it("answers a top-level value as the round trip does, or undefined where JSON has none", () => {
    for (const value of [null, 0, -0, 1.5, "s", true, NaN, new Date(0), [1, [2]]]) expectAsRoundTrip(value);
    expect(jsonCopy(undefined)).toBeUndefined();
    expect(jsonCopy(() => 1)).toBeUndefined();
  });

  it("keeps the order of keys, numeric keys first as objects order them", () => {
    const value = { b: 1, a: 2, "10": 3, "2": 4, é: 5 };
    expect(Object.keys(jsonCopy(value) as object)).toEqual(Object.keys(roundTrip(value) as object));
  });

  it("keeps a key named __proto__ as an own key, never as the copy's prototype", () => {
    const value = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as object;
    const copied = jsonCopy(value) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copied)).toBe(Object.prototype);
    expect(Object.keys(copied)).toEqual(["__proto__", "a"]);
    expect(copied.polluted).toBeUndefined();
    expect(JSON.stringify(copied)).toBe('{"__proto__":{"polluted":true},"a":1}');
  });

  it("allows shared references but refuses cycles and bigints, as JSON.stringify does", () => {
    const shared = { v: 1 };
    expectAsRoundTrip({ a: shared, b: [shared, shared] });
    const cyclic: Record<string, unknown> = { list: [] };
    (cyclic.list as unknown[]).push({ back: cyclic });
    expect(() => jsonCopy(cyclic)).toThrow(TypeError);
    expect(() => jsonCopy(cyclic)).toThrow(/cycle/);
    expect(() => jsonCopy({ n: 1n })).toThrow(/bigint/);
  });

  it("matches the round trip on generated data", () => {
    let seed = 42;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const leaves = [
      null,
      true,
      false,
      0,
      -0,
      1e21,
      -3.25,
      1e-7,
      NaN,
      "",
      "é\u2028\ud800",
      undefined,
      new Date(5),
    ];
    const generate = (depth: number): unknown => {
      if (depth === 0 || next(4) === 0) return leaves[next(leaves.length)];
      if (next(2) === 0) return Array.from({ length: next(5) }, () => generate(depth - 1));
      return Object.fromEntries(
        Array.from({ length: next(5) }, (_, i) => [`k${next(3)}${i}`, generate(depth - 1)]),
      );
    };
    for (let i = 0; i < 500; i++) expectAsRoundTrip({ root: generate(5) });
  });
});
