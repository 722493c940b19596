import { describe, expect, it } from "vitest";
import { compilePayloadSchema } from "./payload-schema.js";

const slot = {
  type: "object",
  properties: {
    patientId: { type: "string" },
    slot: { type: "object", properties: { start: { type: "string", format: "date-time" } } },
  },
  required: ["patientId"],
};

describe("compilePayloadSchema", () => {
  it("compiles a 2020-12 schema with formats and reports payload errors as pointers", () => {
    const compiled = compilePayloadSchema(slot);
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    expect(compiled.value({ patientId: "p1", slot: { start: "2026-11-21T10:00:00Z" } })).toEqual({
      ok: true,
      value: undefined,
    });
    const bad = compiled.value({ slot: { start: "tomorrow" } });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error.map((e) => e.path).sort()).toEqual(["/patientId", "/slot/start"]);
  });

  it("refuses what strict mode refuses, naming the problem", () => {
    const unknownKeyword = compilePayloadSchema({ type: "object", requird: ["a"] });
    expect(unknownKeyword).toMatchObject({
      ok: false,
      error: expect.stringContaining('unknown keyword: "requird"'),
    });
    const badType = compilePayloadSchema({ type: "object", properties: { a: { type: "strin" } } });
    expect(badType).toMatchObject({ ok: false, error: expect.stringContaining("schema is invalid") });
    expect(compilePayloadSchema([1, 2])).toMatchObject({
      ok: false,
      error: "the schema must be a JSON object",
    });
  });

  it("refuses references to other documents, even ones the validator knows", () => {
    const meta = compilePayloadSchema({
      type: "object",
      properties: { a: { $ref: "https://json-schema.org/draft/2020-12/schema" } },
    });
    expect(meta).toMatchObject({ ok: false, error: expect.stringContaining("/properties/a: $ref") });
    const file = compilePayloadSchema({ type: "object", properties: { default: { $ref: "other.json#/x" } } });
    expect(file).toMatchObject({ ok: false, error: expect.stringContaining("points outside this schema") });
  });

  it("allows local references, and a $ref-looking value inside data", () => {
    const local = compilePayloadSchema({
      type: "object",
      $defs: { id: { type: "string" } },
      properties: { a: { $ref: "#/$defs/id" }, b: { const: { $ref: "elsewhere.json" } } },
    });
    expect(local.ok).toBe(true);
  });

  it("compiles two schemas with the same $id independently", () => {
    const one = compilePayloadSchema({
      $id: "https://example.org/s.json",
      type: "object",
      properties: { a: { type: "string" } },
    });
    const two = compilePayloadSchema({
      $id: "https://example.org/s.json",
      type: "object",
      properties: { a: { type: "number" } },
    });
    if (!one.ok || !two.ok) throw new Error("both must compile");
    expect(one.value({ a: "x" }).ok).toBe(true);
    expect(two.value({ a: "x" }).ok).toBe(false);
  });
});
