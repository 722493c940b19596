import { describe, expect, test } from "vitest";
import { checkVarPaths, varPaths } from "./index.js";
import { FORM_SUBMITTED_SCHEMA, SLOT_BOOKED_SCHEMA, resolveRef } from "./test-fixtures.js";

const SLOT = 'the schema of inbound event "scheduling.slotBooked"';
const findings = (logic: unknown, schema: object = SLOT_BOOKED_SCHEMA) =>
  checkVarPaths(logic, "/when", schema, resolveRef, SLOT);
const check = (logic: unknown, schema?: object) => findings(logic, schema).problems;
const warnings = (logic: unknown, schema?: object) => findings(logic, schema).warnings;

describe("varPaths", () => {
  test("lists every literal data path with its pointer", () => {
    const logic = {
      and: [
        { "==": [{ var: "status" }, "booked"] },
        { var: ["slot.start", { var: "fallback" }] },
        { missing: ["patientId", "slot.end"] },
        { missing_some: [1, ["a", "b"]] },
        { var: 3 },
      ],
    };
    expect(varPaths(logic)).toEqual([
      { path: "status", pointer: "/and/0/==/0/var", scoped: false, operator: "var" },
      { path: "slot.start", pointer: "/and/1/var/0", scoped: false, operator: "var" },
      { path: "fallback", pointer: "/and/1/var/1/var", scoped: false, operator: "var" },
      { path: "patientId", pointer: "/and/2/missing/0", scoped: false, operator: "missing" },
      { path: "slot.end", pointer: "/and/2/missing/1", scoped: false, operator: "missing" },
      { path: "a", pointer: "/and/3/missing_some/1/0", scoped: false, operator: "missing_some" },
      { path: "b", pointer: "/and/3/missing_some/1/1", scoped: false, operator: "missing_some" },
      { path: "3", pointer: "/and/4/var", scoped: false, operator: "var" },
    ]);
  });

  test("marks paths read per element of map/filter/all/none/some/reduce as scoped, the array itself not", () => {
    const logic = {
      and: [
        { some: [{ var: "tags" }, { "==": [{ var: "" }, { var: "wanted" }] }] },
        {
          reduce: [
            { var: "items" },
            { "+": [{ var: "current.n" }, { var: "accumulator" }] },
            { var: "start" },
          ],
        },
        { map: [{ var: "a" }, { filter: [{ var: "inner" }, { var: "x" }] }] },
      ],
    };
    const scoped = Object.fromEntries(varPaths(logic).map((p) => [p.path, p.scoped]));
    // prettier-ignore
    expect(scoped).toEqual({
      tags: false, "": true, wanted: true, items: false, "current.n": true, accumulator: true, start: false, a: false, inner: true, x: true,
    });
  });

  test("takes a base pointer and skips computed paths", () => {
    expect(varPaths({ var: { cat: ["a"] } }, "/when")).toEqual([]);
    expect(varPaths({ var: "a" }, "/when")).toEqual([
      { path: "a", pointer: "/when/var", scoped: false, operator: "var" },
    ]);
  });
});

describe("checkVarPaths against an inbound schema", () => {
  test("accepts paths the schema declares, nested and in arrays", () => {
    expect(
      check({
        and: [
          { var: "status" },
          { var: "slot.start" },
          { var: "tags.0" },
          { var: "" },
          { missing: ["slot.location"] },
        ],
      }),
    ).toEqual([]);
  });

  test("names a path the schema lacks and suggests the sibling that was meant", () => {
    expect(check({ "==": [{ var: "slot.strat" }, "x"] })).toEqual([
      {
        path: "/when/==/0/var",
        code: "unknown-path",
        message:
          'var "slot.strat" is not in the schema of inbound event "scheduling.slotBooked" (did you mean "slot.start"?)',
      },
    ]);
    expect(check({ var: "slto.start" })[0]!.message).toContain('(did you mean "slot.start"?)');
    expect(check({ var: "patientID" })[0]!.message).toContain('(did you mean "patientId"?)');
  });

  test("lists what is there when nothing is close", () => {
    expect(check({ var: "slot.room" })[0]!.message).toBe(
      'var "slot.room" is not in the schema of inbound event "scheduling.slotBooked"; "slot" has end, location, start',
    );
  });

  test("refuses paths into strings and named fields of arrays", () => {
    expect(check({ var: "status.length" })).toHaveLength(1);
    expect(check({ var: "tags.first" })).toHaveLength(1);
    expect(check({ var: "tags.0.x" })).toHaveLength(1);
  });

  test("checks paths read by missing and missing_some", () => {
    expect(check({ missing: ["slot.stat"] })).toEqual([
      expect.objectContaining({
        path: "/when/missing/0",
        message: expect.stringContaining('"slot.stat" (in missing) is not in'),
      }),
    ]);
    expect(check({ missing_some: [1, ["bookingId", "nope"]] })).toEqual([
      expect.objectContaining({ path: "/when/missing_some/1/1" }),
    ]);
  });

  test("does not check paths read per element, nor the default of var", () => {
    expect(check({ some: [{ var: "tags" }, { "==": [{ var: "anything.at.all" }, 1] }] })).toEqual([]);
    expect(check({ some: [{ var: "tagz" }, true] })).toHaveLength(1);
  });

  test("lets any path through below a free-form object", () => {
    expect(check({ var: "extra.whatever.below" })).toEqual([]);
  });

  test("leaves schemas that do not close their objects open", () => {
    const open = {
      type: "object",
      properties: { a: { type: "object", properties: { b: { type: "string" } } } },
    };
    expect(check({ var: "a.c" }, open)).toEqual([]);
    expect(check({ var: "z" }, open)).toEqual([]);
    expect(check({ var: "a.b.c" }, open)).toHaveLength(1);
  });

  test("walks prefixItems, items and additionalProperties schemas", () => {
    const schema = {
      type: "object",
      properties: {
        pair: {
          type: "array",
          prefixItems: [{ type: "object", properties: { x: {} }, additionalProperties: false }],
          items: false,
        },
        byName: {
          type: "object",
          additionalProperties: { type: "object", properties: { n: {} }, additionalProperties: false },
        },
      },
      additionalProperties: false,
    };
    expect(check({ and: [{ var: "pair.0.x" }, { var: "byName.anyone.n" }] }, schema)).toEqual([]);
    expect(check({ var: "pair.1" }, schema)).toHaveLength(1);
    expect(check({ var: "pair.0.y" }, schema)).toHaveLength(1);
    expect(check({ var: "byName.anyone.m" }, schema)).toHaveLength(1);
  });

  test("finds a field in any branch of anyOf/oneOf, and needs every allOf part to allow it", () => {
    const schema = {
      type: "object",
      properties: {
        contact: {
          oneOf: [
            { type: "object", properties: { phone: {} }, additionalProperties: false },
            { type: "object", properties: { email: {} }, additionalProperties: false },
          ],
        },
        both: {
          allOf: [
            { type: "object", properties: { a: {}, b: {} } },
            { type: "object", properties: { a: {} }, additionalProperties: false },
          ],
        },
      },
      additionalProperties: false,
    };
    expect(
      check({ and: [{ var: "contact.phone" }, { var: "contact.email" }, { var: "both.a" }] }, schema),
    ).toEqual([]);
    expect(check({ var: "contact.fax" }, schema)).toHaveLength(1);
    expect(check({ var: "both.b" }, schema)).toHaveLength(1);
  });

  test("follows local $refs, including recursive ones", () => {
    const schema = {
      type: "object",
      properties: { root: { $ref: "#/$defs/node" } },
      additionalProperties: false,
      $defs: {
        node: {
          type: "object",
          properties: { name: {}, child: { $ref: "#/$defs/node" } },
          additionalProperties: false,
        },
      },
    };
    expect(check({ var: "root.child.child.name" }, schema)).toEqual([]);
    expect(check({ var: "root.child.nmae" }, schema)[0]!.message).toContain(
      '(did you mean "root.child.name"?)',
    );
  });
});

describe("checkVarPaths warns of paths an open object does not declare", () => {
  /** Like the scheduling payload, but `slot` lists its fields without closing itself. */
  const OPEN_SLOT = {
    type: "object",
    properties: {
      status: { type: "string" },
      slot: {
        type: "object",
        properties: { start: { type: "string" }, end: { type: "string" }, location: { type: "string" } },
      },
      meta: { type: "object" },
    },
    additionalProperties: false,
  };

  test("accepts a typo into an open object with a warning that names the path and the field meant", () => {
    expect(findings({ "==": [{ var: "slot.strat" }, "x"] }, OPEN_SLOT)).toEqual({
      problems: [],
      warnings: [
        {
          path: "/when/==/0/var",
          code: "undeclared-path",
          message:
            'var "slot.strat" is not declared in the schema of inbound event "scheduling.slotBooked" (did you mean "slot.start"?)',
        },
      ],
    });
    expect(warnings({ missing: ["slot.ned"] }, OPEN_SLOT)).toEqual([
      expect.objectContaining({
        path: "/when/missing/0",
        message: expect.stringContaining('"slot.ned" (in missing) is not declared in'),
      }),
    ]);
  });

  test("lists the declared fields when none is spelled close", () => {
    expect(warnings({ var: "slot.begin" }, OPEN_SLOT)).toEqual([
      expect.objectContaining({
        message:
          'var "slot.begin" is not declared in the schema of inbound event "scheduling.slotBooked"; "slot" has end, location, start',
      }),
    ]);
  });

  test("still refuses what a closed object cannot have, with no warning", () => {
    expect(findings({ var: "slot.strat" })).toEqual({
      problems: [expect.objectContaining({ code: "unknown-path", path: "/when/var" })],
      warnings: [],
    });
    expect(findings({ var: "stauts" }, OPEN_SLOT).problems).toHaveLength(1);
  });

  test("says nothing of declared paths, nor below objects that declare no field", () => {
    const logic = {
      and: [{ var: "slot.start" }, { var: "slot.location" }, { var: "meta.any.thing" }, { var: "status" }],
    };
    expect(findings(logic, OPEN_SLOT)).toEqual({ problems: [], warnings: [] });
    expect(findings({ var: "extra.whatever" })).toEqual({ problems: [], warnings: [] });
  });

  test("says nothing where the schema admits other fields: additionalProperties or unevaluatedProperties schema, patternProperties, required", () => {
    const admitting = (extra: object) => ({
      type: "object",
      properties: { slot: { type: "object", properties: { start: { type: "string" } }, ...extra } },
    });
    const quiet = { problems: [], warnings: [] };
    expect(findings({ var: "slot.room" }, admitting({ additionalProperties: { type: "string" } }))).toEqual(
      quiet,
    );
    expect(findings({ var: "slot.room" }, admitting({ additionalProperties: true }))).toEqual(quiet);
    expect(findings({ var: "slot.room" }, admitting({ unevaluatedProperties: {} }))).toEqual(quiet);
    expect(findings({ var: "slot.x-room" }, admitting({ patternProperties: { "^x-": {} } }))).toEqual(quiet);
    expect(findings({ var: "slot.room" }, admitting({ required: ["room"] }))).toEqual(quiet);
    expect(warnings({ var: "slot.room" }, admitting({ patternProperties: { "^x-": {} } }))).toHaveLength(1);
  });

  test("looks at every allOf part and anyOf branch before warning", () => {
    const schema = {
      type: "object",
      properties: {
        contact: {
          anyOf: [
            { type: "object", properties: { phone: {} } },
            { type: "object", properties: { email: {} } },
          ],
        },
        both: {
          allOf: [
            { type: "object", properties: { a: {} } },
            { type: "object", additionalProperties: { type: "string" } },
          ],
        },
      },
    };
    expect(findings({ and: [{ var: "contact.email" }, { var: "both.b" }] }, schema)).toEqual({
      problems: [],
      warnings: [],
    });
    expect(warnings({ var: "contact.emial" }, schema)[0]!.message).toContain(
      '(did you mean "contact.email"?)',
    );
  });

  test("skips paths read per element, as problems are", () => {
    const schema = {
      type: "object",
      properties: { items: { type: "array", items: { type: "object", properties: { n: {} } } } },
    };
    expect(warnings({ some: [{ var: "items" }, { var: "m" }] }, schema)).toEqual([]);
    expect(warnings({ var: "items.0.m" }, schema)).toHaveLength(1);
  });
});

describe("checkVarPaths against a system event schema with $refs to another file", () => {
  const check = (logic: unknown, resolver = resolveRef) =>
    checkVarPaths(
      logic,
      "/when",
      FORM_SUBMITTED_SCHEMA,
      resolver,
      'the schema of system event "formSubmitted"',
    ).problems;

  test("sees fields of the event, of the envelope it refers to, and of the envelope's definitions", () => {
    expect(
      check({
        and: [
          { var: "info.formName" },
          { var: "info.planId" },
          { var: "info.isTest" },
          { var: "orgId" },
          { var: "messageId" },
        ],
      }),
    ).toEqual([]);
    expect(check({ var: "info.data.any.field" })).toEqual([]);
  });

  test("refuses what unevaluatedProperties closes, with a did-you-mean", () => {
    expect(check({ var: "info.formNam" })).toEqual([
      {
        path: "/when/var",
        code: "unknown-path",
        message:
          'var "info.formNam" is not in the schema of system event "formSubmitted" (did you mean "info.formName"?)',
      },
    ]);
    expect(check({ var: "orgid" })[0]!.message).toContain('(did you mean "orgId"?)');
  });

  test("works with a resolver that takes whole refs with their fragment", () => {
    const byWholeRef = (ref: string): object | undefined => {
      if (ref === "envelope.schema.json") return undefined;
      const [file, fragment] = ref.split("#");
      if (file !== "envelope.schema.json") return undefined;
      if (fragment === undefined) return undefined;
      const name = fragment.split("/").pop()!;
      return (resolveRef("envelope.schema.json") as { $defs: Record<string, object> }).$defs[name];
    };
    expect(check({ var: "info.planId" }, byWholeRef)).toEqual([]);
  });

  test("says when a path cannot be checked because a $ref does not resolve", () => {
    const problems = check({ var: "orgId" }, () => undefined);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain('its $ref "envelope.schema.json" could not be resolved');
    expect(check({ var: "info.formName" }, () => undefined)).toEqual([]);
  });
});
