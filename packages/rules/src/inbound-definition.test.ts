import { describe, expect, test } from "vitest";
import { validateInboundDefinition } from "./index.js";
import { SLOT_BOOKED_SCHEMA } from "./test-fixtures.js";

describe("validateInboundDefinition", () => {
  test("accepts a definition, defaulting dedup to id-or-payload", () => {
    expect(
      validateInboundDefinition({ description: "A slot was booked", schema: SLOT_BOOKED_SCHEMA }),
    ).toEqual({
      ok: true,
      value: {
        description: "A slot was booked",
        schema: SLOT_BOOKED_SCHEMA,
        dedup: { mode: "id-or-payload" },
      },
    });
    const named = {
      name: "scheduling.slotBooked",
      schema: SLOT_BOOKED_SCHEMA,
      dedup: { mode: "key", key: { var: "bookingId" } },
    };
    expect(validateInboundDefinition(named)).toEqual({ ok: true, value: named });
  });

  test("refuses a payload schema that is not a valid JSON Schema, misspelt keywords included", () => {
    const result = validateInboundDefinition({ schema: { type: "object", propertise: {} } });
    expect(result).toMatchObject({
      ok: false,
      error: [
        {
          path: "/schema",
          code: "schema",
          message: expect.stringContaining('unknown keyword: "propertise"'),
        },
      ],
    });
    expect(validateInboundDefinition({ schema: { type: "objekt" } })).toMatchObject({
      ok: false,
      error: [{ path: "/schema" }],
    });
  });

  test("refuses a definition of the wrong shape, and a bad dedup, all at once", () => {
    const result = validateInboundDefinition({
      name: "bad name",
      descripton: "x",
      schema: SLOT_BOOKED_SCHEMA,
      dedup: { mode: "key", key: { var: "bookingID" } },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.map((p) => p.path)).toEqual(["/descripton", "/name", "/dedup/key/var"]);
    expect(result.error[0]!.message).toContain('(did you mean "description"?)');
  });

  test("needs a schema object", () => {
    expect(validateInboundDefinition({ description: "x" })).toMatchObject({
      ok: false,
      error: [{ path: "/schema", message: "schema is required" }],
    });
    expect(validateInboundDefinition(null)).toMatchObject({ ok: false, error: [{ path: "" }] });
  });
});
