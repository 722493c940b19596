import { describe, expect, test } from "vitest";
import { dedupKeyOf, validateDedup } from "./index.js";
import { SLOT_BOOKED_SCHEMA, deeplyNested } from "./test-fixtures.js";

describe("validateDedup", () => {
  test("defaults to id-or-payload and accepts the three modes", () => {
    expect(validateDedup(undefined, SLOT_BOOKED_SCHEMA)).toEqual({
      ok: true,
      value: { mode: "id-or-payload" },
    });
    expect(validateDedup({ mode: "id" }, SLOT_BOOKED_SCHEMA)).toEqual({ ok: true, value: { mode: "id" } });
    expect(validateDedup({ mode: "id-or-payload" }, SLOT_BOOKED_SCHEMA)).toEqual({
      ok: true,
      value: { mode: "id-or-payload" },
    });
    const key = { cat: [{ var: "patientId" }, "@", { var: "slot.start" }] };
    expect(validateDedup({ mode: "key", key }, SLOT_BOOKED_SCHEMA)).toEqual({
      ok: true,
      value: { mode: "key", key },
    });
  });

  test("refuses a spec of the wrong shape, saying what is expected", () => {
    expect(validateDedup("id", SLOT_BOOKED_SCHEMA)).toEqual({
      ok: false,
      error: [
        {
          path: "/dedup",
          code: "schema",
          message: 'dedup must be an object such as {"mode": "id"}; modes: "id-or-payload", "id", "key"',
        },
      ],
    });
    expect(validateDedup({ mode: "payload" }, SLOT_BOOKED_SCHEMA)).toMatchObject({
      ok: false,
      error: [{ path: "/dedup/mode" }],
    });
    expect(validateDedup({ mode: "key" }, SLOT_BOOKED_SCHEMA)).toMatchObject({
      ok: false,
      error: [{ path: "/dedup/key", message: expect.stringContaining('needs "key"') }],
    });
    expect(validateDedup({ mode: "id", key: { var: "bookingId" } }, SLOT_BOOKED_SCHEMA)).toMatchObject({
      ok: false,
      error: [{ path: "/dedup/key", message: expect.stringContaining('"key" is only for mode "key"') }],
    });
    expect(validateDedup({ mode: "id", window: 5 }, SLOT_BOOKED_SCHEMA)).toMatchObject({
      ok: false,
      error: [{ path: "/dedup/window" }],
    });
  });

  test("checks a key expression like a rule's condition: operators, safety, paths in the schema", () => {
    expect(validateDedup({ mode: "key", key: { method: [] } }, SLOT_BOOKED_SCHEMA)).toMatchObject({
      ok: false,
      error: [{ path: "/dedup/key", code: "operator" }],
    });
    expect(validateDedup({ mode: "key", key: { var: "__proto__" } }, SLOT_BOOKED_SCHEMA)).toMatchObject({
      ok: false,
      error: [{ code: "unsafe-var" }],
    });
    expect(validateDedup({ mode: "key", key: { var: "bookingID" } }, SLOT_BOOKED_SCHEMA)).toEqual({
      ok: false,
      error: [
        {
          path: "/dedup/key/var",
          code: "unknown-path",
          message: 'var "bookingID" is not in the schema of this inbound event (did you mean "bookingId"?)',
        },
      ],
    });
  });
});

describe("dedupKeyOf", () => {
  test("is the key expression's value, strings as they are", () => {
    expect(dedupKeyOf({ mode: "key", key: { var: "bookingId" } }, { bookingId: "b-1" })).toBe("b-1");
    expect(
      dedupKeyOf(
        { mode: "key", key: { cat: [{ var: "patientId" }, "@", { var: "slot.start" }] } },
        { patientId: "p", slot: { start: "t" } },
      ),
    ).toBe("p@t");
  });

  test("gives other values as canonical JSON, so equal data gives equal keys whatever the key order", () => {
    const spec = { mode: "key" as const, key: { var: "slot" } };
    expect(dedupKeyOf(spec, { slot: { start: "t", end: "u" } })).toBe('{"end":"u","start":"t"}');
    expect(dedupKeyOf(spec, { slot: { end: "u", start: "t" } })).toBe(
      dedupKeyOf(spec, { slot: { start: "t", end: "u" } }),
    );
    expect(dedupKeyOf({ mode: "key", key: { var: "n" } }, { n: 42 })).toBe("42");
    expect(dedupKeyOf({ mode: "key", key: { var: "tags" } }, { tags: ["a", { z: 1, y: 2 }] })).toBe(
      '["a",{"y":2,"z":1}]',
    );
  });

  test("has no key (fall back to the message id) when the value is null, empty or absent", () => {
    for (const payload of [{}, { bookingId: null }, { bookingId: "" }, { bookingId: [] }, null, "text"]) {
      expect(dedupKeyOf({ mode: "key", key: { var: "bookingId" } }, payload)).toBeUndefined();
    }
  });

  test("has no key when the value is not JSON data, such as a division by zero", () => {
    expect(dedupKeyOf({ mode: "key", key: { "/": [1, 0] } }, {})).toBeUndefined();
    expect(dedupKeyOf({ mode: "key", key: { merge: [[1], { "/": [0, 0] }] } }, {})).toBeUndefined();
  });

  test("never throws: hostile values and invalid expressions give no key", () => {
    expect(dedupKeyOf({ mode: "key", key: { var: "deep" } }, { deep: deeplyNested(10_000) })).toBeUndefined();
    expect(
      dedupKeyOf({ mode: "key", key: { cat: [{ var: "bad" }] } }, { bad: { toString: 1, valueOf: 1 } }),
    ).toBeUndefined();
    expect(dedupKeyOf({ mode: "key", key: { method: ["a", "toString"] } }, {})).toBeUndefined();
    expect(dedupKeyOf({ mode: "key", key: { var: "toString" } }, {})).toBeUndefined();
  });

  test("compiles a spec once and reuses it", () => {
    const spec = { mode: "key" as const, key: { var: "id" } };
    expect(dedupKeyOf(spec, { id: "a" })).toBe("a");
    expect(dedupKeyOf(spec, { id: "b" })).toBe("b");
  });
});
