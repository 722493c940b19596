import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRulesStack, type RulesStack } from "../test/support/rules-stack.js";
import type { Api } from "../test/support/api.js";
import { expectProblem } from "../test/support/problem.js";
import { reminderRule, slotDefinition, slotSchema, SLOT_BOOKED } from "../test/support/fixtures.js";

const BASE = "/v1/orgs/org-a/inbound-events";

describe("inbound event definitions over HTTP", () => {
  let stack: RulesStack;
  let cm: Api;

  beforeAll(async () => {
    stack = await startRulesStack();
    cm = stack.client("cmA");
  });
  afterAll(async () => stack?.close());

  it("declares an event (201, version 1), shows and lists it", async () => {
    const created = await cm.put(`${BASE}/${SLOT_BOOKED}`, slotDefinition);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: SLOT_BOOKED,
      version: 1,
      schema: slotSchema,
      dedup: { mode: "id-or-payload" },
      updatedBy: "key:k-cm-a",
    });
    const shown = await stack.client("viewerA").get(`${BASE}/${SLOT_BOOKED}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual(created.body);
    const listed = await cm.get(BASE);
    expect(listed.body.inboundEvents.map((d: { name: string }) => d.name)).toEqual([SLOT_BOOKED]);
  });

  it("keeps the version for an identical declaration and counts up on a change (200)", async () => {
    const same = await cm.put(`${BASE}/${SLOT_BOOKED}`, slotDefinition);
    expect(same.status).toBe(200);
    expect(same.body.version).toBe(1);
    const changed = await cm.put(`${BASE}/${SLOT_BOOKED}`, { ...slotDefinition, dedup: { mode: "id" } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ version: 2, dedup: { mode: "id" } });
  });

  it("refuses a name that is not dotted tokens", async () => {
    for (const name of ["a..b", "has space", "star*", ".lead"]) {
      expectProblem(
        await cm.put(`${BASE}/${encodeURIComponent(name)}`, slotDefinition),
        400,
        "SB_ERR_INVALID_NAME",
        "inbound event name",
      );
    }
  });

  it("refuses schemas that do not compile, naming the problem", async () => {
    const unknownKeyword = await cm.put(`${BASE}/bad.one`, {
      description: "x",
      schema: { type: "object", requird: ["a"] },
    });
    expectProblem(unknownKeyword, 400, "SB_ERR_VALIDATION", 'unknown keyword: "requird"');
    const wrongType = await cm.put(`${BASE}/bad.one`, {
      description: "x",
      schema: { type: "object", properties: { a: { type: "strin" } } },
    });
    expectProblem(wrongType, 400, "SB_ERR_VALIDATION", "does not compile");
    // Each problem at its place in the schema, as the console shows them while the schema is typed.
    const several = await cm.put(`${BASE}/bad.one`, {
      description: "x",
      schema: { type: "object", properties: { a: { maxLength: 2 } }, requred: ["a"] },
    });
    expectProblem(several, 400, "SB_ERR_VALIDATION", 'unknown keyword: "requred"');
    expect(several.body.errors).toEqual([
      {
        path: "/schema/requred",
        message: 'unknown keyword "requred" (did you mean "required"?)',
        keyword: "schema",
      },
      {
        path: "/schema/properties/a/maxLength",
        message: '"maxLength" is for string values: say "type": "string" in this schema (or one around it)',
        keyword: "schema",
      },
    ]);
    const outside = await cm.put(`${BASE}/bad.one`, {
      description: "x",
      schema: { type: "object", properties: { a: { $ref: "https://json-schema.org/draft/2020-12/schema" } } },
    });
    expectProblem(outside, 400, "SB_ERR_VALIDATION", "points outside this schema");
    expectProblem(
      await cm.put(`${BASE}/bad.one`, { description: "x", schema: [] }),
      400,
      "SB_ERR_VALIDATION",
    );
    expectProblem(await cm.get(`${BASE}/bad.one`), 404, "SB_ERR_NOT_FOUND");
  });

  it("refuses a dedup spec that is not one of the modes or reads a path the schema lacks", async () => {
    expectProblem(
      await cm.put(`${BASE}/dedup.bad`, { ...slotDefinition, dedup: { mode: "sometimes" } }),
      400,
      "SB_ERR_VALIDATION",
      "dedup",
    );
    const keyed = await cm.put(`${BASE}/dedup.bad`, {
      ...slotDefinition,
      dedup: { mode: "key", key: { var: "slot.nope" } },
    });
    const problem = expectProblem(keyed, 400, "SB_ERR_VALIDATION", "dedup");
    expect(problem.errors?.[0]?.path).toMatch(/^\/dedup/);
    const good = await cm.put(`${BASE}/dedup.good`, {
      ...slotDefinition,
      dedup: { mode: "key", key: { cat: [{ var: "patientId" }, "/", { var: "slot.start" }] } },
    });
    expect(good.status).toBe(201);
  });

  it("refuses a schema change that breaks an active rule, listing rule and path; the old version stays", async () => {
    const rule = await cm.put(
      `/v1/orgs/org-a/rules/slot-booked-assigns-reminder?activate=true`,
      reminderRule(),
    );
    expect(rule.status).toBe(201);
    const { slot: _dropped, ...withoutSlot } = slotSchema.properties;
    const breaking = {
      ...slotDefinition,
      schema: { ...slotSchema, properties: withoutSlot, required: ["status", "patientId"] },
    };
    const refused = expectProblem(
      await cm.put(`${BASE}/${SLOT_BOOKED}`, breaking),
      409,
      "SB_ERR_CONFLICT",
      "slot-booked-assigns-reminder",
    );
    expect(refused.errors).toContainEqual(
      expect.objectContaining({
        ruleId: "slot-booked-assigns-reminder",
        version: 1,
        path: expect.stringContaining("/actions/0"),
      }),
    );
    expect((await cm.get(`${BASE}/${SLOT_BOOKED}`)).body.version).toBe(2);
    // A change the rule does not notice is fine.
    const compatible = {
      ...slotDefinition,
      schema: { ...slotSchema, properties: { ...slotSchema.properties, note: { type: "string" } } },
    };
    expect((await cm.put(`${BASE}/${SLOT_BOOKED}`, compatible)).body.version).toBe(3);
  });

  it("refuses to delete a declaration active rules read, and deletes it once they are deactivated", async () => {
    expectProblem(
      await cm.delete(`${BASE}/${SLOT_BOOKED}`),
      409,
      "SB_ERR_CONFLICT",
      "slot-booked-assigns-reminder",
    );
    expect((await cm.delete("/v1/orgs/org-a/rules/slot-booked-assigns-reminder")).status).toBe(204);
    expect((await cm.delete(`${BASE}/${SLOT_BOOKED}`)).status).toBe(204);
    expectProblem(await cm.get(`${BASE}/${SLOT_BOOKED}`), 404, "SB_ERR_NOT_FOUND");
    expectProblem(await cm.delete(`${BASE}/${SLOT_BOOKED}`), 404, "SB_ERR_NOT_FOUND");
  });

  it("lets viewers read but not write, and hides one org's declarations from another", async () => {
    expect((await cm.put(`${BASE}/visits.done`, slotDefinition)).status).toBe(201);
    expectProblem(
      await stack.client("viewerA").put(`${BASE}/visits.done`, slotDefinition),
      403,
      "SB_ERR_FORBIDDEN",
    );
    expectProblem(await stack.client("cmB").get(`${BASE}/visits.done`), 404, "SB_ERR_NOT_FOUND");
    expectProblem(await stack.client("cmB").delete(`${BASE}/visits.done`), 404, "SB_ERR_NOT_FOUND");
    expect((await stack.client("cmB").get("/v1/orgs/org-b/inbound-events")).body.inboundEvents).toEqual([]);
  });
});
