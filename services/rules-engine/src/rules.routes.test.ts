import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRulesStack, type RulesStack } from "../test/support/rules-stack.js";
import type { Api } from "../test/support/api.js";
import { expectProblem } from "../test/support/problem.js";
import {
  openSlotDefinition,
  reminderRule,
  slotDefinition,
  slotSchema,
  typoRule,
  SLOT_BOOKED,
  SLOT_OFFERED,
  TYPO_WARNING,
} from "../test/support/fixtures.js";

const RULES = "/v1/orgs/org-a/rules";
const ID = "slot-booked-assigns-reminder";

describe("rules over HTTP: versions, activation, rollback, switch", () => {
  let stack: RulesStack;
  let cm: Api;

  beforeAll(async () => {
    stack = await startRulesStack();
    cm = stack.client("cmA");
    expect((await cm.put(`/v1/orgs/org-a/inbound-events/${SLOT_BOOKED}`, slotDefinition)).status).toBe(201);
  });
  afterAll(async () => stack?.close());

  it("saves a first version that is not active until activated", async () => {
    const saved = await cm.put(`${RULES}/${ID}`, reminderRule());
    expect(saved.status).toBe(201);
    expect(saved.body).toEqual({ ruleId: ID, version: 1, activeVersion: null, enabled: true, warnings: [] });
    const shown = await cm.get(`${RULES}/${ID}`);
    expect(shown.body).toMatchObject({
      ruleId: ID,
      version: 1,
      activeVersion: null,
      latestVersion: 1,
      author: "key:k-cm-a",
      document: reminderRule(),
    });
    expect(shown.body.trigger).toEqual({ kind: "inbound", name: SLOT_BOOKED });
  });

  it("creates no version for a document equal to the latest", async () => {
    const reordered = Object.fromEntries(Object.entries(reminderRule()).reverse());
    const again = await cm.put(`${RULES}/${ID}`, reordered);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ruleId: ID, version: 1, activeVersion: null, enabled: true, warnings: [] });
    expect((await cm.get(`${RULES}/${ID}/versions`)).body.versions).toHaveLength(1);
  });

  it("saves, activates, saves-and-activates, rolls back", async () => {
    const v2 = await cm.put(`${RULES}/${ID}`, reminderRule({ description: "second" }));
    expect(v2.status).toBe(201);
    expect(v2.body).toMatchObject({ version: 2, activeVersion: null });
    expect((await cm.post(`${RULES}/${ID}/activate`, { version: 2 })).body).toEqual({
      ruleId: ID,
      version: 2,
      activeVersion: 2,
      enabled: true,
    });
    const v3 = await cm.put(`${RULES}/${ID}?activate=true`, reminderRule({ description: "third" }));
    expect(v3.body).toEqual({ ruleId: ID, version: 3, activeVersion: 3, enabled: true, warnings: [] });
    const v4 = await cm.put(`${RULES}/${ID}`, reminderRule({ description: "draft" }));
    expect(v4.body).toMatchObject({ version: 4, activeVersion: 3 });
    expect((await cm.get(`${RULES}/${ID}`)).body).toMatchObject({
      version: 3,
      document: { description: "third" },
    });
    const rolledBack = await cm.post(`${RULES}/${ID}/activate`, { version: 1 });
    expect(rolledBack.body).toEqual({ ruleId: ID, version: 1, activeVersion: 1, enabled: true });
    expect((await cm.get(`${RULES}/${ID}`)).body).toMatchObject({
      version: 1,
      activeVersion: 1,
      latestVersion: 4,
    });
    expectProblem(
      await cm.post(`${RULES}/${ID}/activate`, { version: 9 }),
      404,
      "SB_ERR_NOT_FOUND",
      "no version 9",
    );
  });

  it("lists versions with author, time and what changed from the one before", async () => {
    const listed = await cm.get(`${RULES}/${ID}/versions`);
    expect(listed.body).toMatchObject({ ruleId: ID, activeVersion: 1, latestVersion: 4 });
    const versions = listed.body.versions as {
      version: number;
      author: string;
      createdAt: string;
      active: boolean;
      changes: unknown[];
    }[];
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4]);
    expect(versions.map((v) => v.active)).toEqual([true, false, false, false]);
    for (const v of versions) expect(v.author).toBe("key:k-cm-a");
    expect(versions[1]!.changes).not.toEqual([]);
    expect(JSON.stringify(versions[1]!.changes)).toContain("description");
    const page = await cm.get(`${RULES}/${ID}/versions?limit=2&before=4`);
    expect(page.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 3]);
    expect(page.body.versions[0].changes).toEqual(versions[1]!.changes);
    const one = await cm.get(`${RULES}/${ID}/versions/2`);
    expect(one.body).toMatchObject({
      ruleId: ID,
      version: 2,
      author: "key:k-cm-a",
      document: { description: "second" },
    });
    expectProblem(await cm.get(`${RULES}/${ID}/versions/99`), 404, "SB_ERR_NOT_FOUND");
  });

  it("saves a rule reading a field an open object does not declare, and answers a warning naming it", async () => {
    const declared = await cm.put(`/v1/orgs/org-a/inbound-events/${SLOT_OFFERED}`, openSlotDefinition);
    expect(declared.status).toBe(201);
    const typo = "slot-offered-typo";
    const saved = await cm.put(`${RULES}/${typo}`, typoRule());
    expect(saved.status).toBe(201);
    expect(saved.body).toEqual({
      ruleId: typo,
      version: 1,
      activeVersion: null,
      enabled: true,
      warnings: [TYPO_WARNING],
    });
    // The same document again saves nothing, and still says what is wrong with it.
    const again = await cm.put(`${RULES}/${typo}?activate=true`, typoRule());
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ version: 1, activeVersion: 1, warnings: [TYPO_WARNING] });
    const next = await cm.put(`${RULES}/${typo}`, typoRule({ description: "second" }));
    expect(next.status).toBe(201);
    expect(next.body).toMatchObject({ version: 2, warnings: [TYPO_WARNING] });
    const fixed = await cm.put(`${RULES}/${typo}`, typoRule({ when: { "!!": { var: "slot.start" } } }));
    expect(fixed.body).toMatchObject({ version: 3, warnings: [] });
    // A field the closed schema does not have is still refused, not warned of.
    const refused = expectProblem(
      await cm.put(`${RULES}/${ID}`, reminderRule({ when: { "!!": { var: "slot.strat" } } })),
      400,
      "SB_ERR_VALIDATION",
    );
    expect(refused.errors).toEqual([expect.objectContaining({ path: "/when/!!/var", code: "unknown-path" })]);
  });

  it("switches a rule off and on without a new version", async () => {
    expect((await cm.patch(`${RULES}/${ID}`, { enabled: false })).body).toEqual({
      ruleId: ID,
      version: 1,
      activeVersion: 1,
      enabled: false,
    });
    expect((await cm.get(RULES)).body.rules).toContainEqual(
      expect.objectContaining({ ruleId: ID, enabled: false, activeVersion: 1, latestVersion: 4 }),
    );
    expect((await cm.patch(`${RULES}/${ID}`, { enabled: true })).body).toMatchObject({
      enabled: true,
      activeVersion: 1,
    });
    expect((await cm.get(`${RULES}/${ID}/versions`)).body.versions).toHaveLength(4);
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ["a schema violation", { ...reminderRule(), actions: undefined, priority: 3 }, "schema"],
    ["an unknown operator", reminderRule({ when: { eval: ["process.exit()"] } }), "operator"],
    ["an unsafe var", reminderRule({ when: { "==": [{ var: "constructor.name" }, "x"] } }), "unsafe-var"],
    ["an unknown action", reminderRule({ actions: [{ sendEmail: { to: "x" } }] }), "action"],
    [
      "a parameter of the wrong type",
      reminderRule({
        actions: [
          { assignForm: { formName: 42, userId: { var: "patientId" }, plan: { templateName: "t" } } },
        ],
      }),
      "param-type",
    ],
    [
      "a path the schema lacks",
      reminderRule({ when: { "==": [{ var: "slot.doctor" }, "x"] } }),
      "unknown-path",
    ],
    ["an undeclared trigger", reminderRule({ on: { inbound: "scheduling.nothing" } }), "unknown-trigger"],
  ];

  for (const [what, document, code] of invalid) {
    it(`refuses ${what} with rule problems, and the active version keeps running`, async () => {
      const before = (await cm.get(`${RULES}/${ID}`)).body;
      const refused = expectProblem(
        await cm.put(`${RULES}/${ID}?activate=true`, document),
        400,
        "SB_ERR_VALIDATION",
        "the rule is invalid",
      );
      expect(refused.errors?.length).toBeGreaterThan(0);
      expect(refused.errors).toContainEqual(
        expect.objectContaining({ code, path: expect.any(String), message: expect.any(String) }),
      );
      expect((await cm.get(`${RULES}/${ID}`)).body).toEqual(before);
    });
  }

  it("refuses a body that is not JSON and an id that differs from the path", async () => {
    const before = (await cm.get(`${RULES}/${ID}`)).body;
    expectProblem(await cm.putRaw(`${RULES}/${ID}`, '{ "id": "x", '), 400, "SB_ERR_MALFORMED_JSON");
    const other = expectProblem(
      await cm.put(`${RULES}/${ID}`, reminderRule({ id: "another-rule" })),
      400,
      "SB_ERR_VALIDATION",
      "/id",
    );
    expect(other.errors).toEqual([expect.objectContaining({ path: "/id" })]);
    expect((await cm.get(`${RULES}/${ID}`)).body).toEqual(before);
    expectProblem(await cm.get(`${RULES}/another-rule`), 404, "SB_ERR_NOT_FOUND");
  });

  it("refuses to activate a saved version that no longer fits its trigger's schema", async () => {
    // Version 5 reads slot.room; once the active version no longer needs it, the schema may drop it.
    const readsRoom = reminderRule({ when: { "==": [{ var: "slot.room" }, "3"] } });
    expect((await cm.put(`${RULES}/${ID}`, readsRoom)).body.version).toBe(5);
    const withoutRoom = {
      ...slotSchema.properties.slot,
      properties: { start: slotSchema.properties.slot.properties.start },
    };
    const narrowed = {
      ...slotDefinition,
      schema: { ...slotSchema, properties: { ...slotSchema.properties, slot: withoutRoom } },
    };
    expect((await cm.put(`/v1/orgs/org-a/inbound-events/${SLOT_BOOKED}`, narrowed)).status).toBe(200);
    const refused = expectProblem(
      await cm.post(`${RULES}/${ID}/activate`, { version: 5 }),
      409,
      "SB_ERR_CONFLICT",
      "version 5",
    );
    expect(refused.errors).toContainEqual(expect.objectContaining({ code: "unknown-path" }));
    expect((await cm.get(`${RULES}/${ID}`)).body.activeVersion).toBe(1);
  });

  it("validates rules on system events against the event's schema, through its references", async () => {
    const onSubmit = {
      id: "intake-submitted",
      on: { event: "formSubmitted" },
      when: { "==": [{ var: "info.formName" }, "Intake"] },
      actions: [{ createWorkQueueItem: { queue: "triage", planId: { var: "info.planId" }, priority: 5 } }],
    };
    const saved = await cm.put(`${RULES}/intake-submitted?activate=true`, onSubmit);
    expect(saved.status).toBe(201);
    expect(saved.body.activeVersion).toBe(1);
    const wrong = { ...onSubmit, when: { "==": [{ var: "info.fromName" }, "Intake"] } };
    const refused = expectProblem(await cm.put(`${RULES}/intake-submitted`, wrong), 400, "SB_ERR_VALIDATION");
    expect(refused.errors).toContainEqual(expect.objectContaining({ code: "unknown-path" }));
    const unknown = expectProblem(
      await cm.put(`${RULES}/intake-submitted`, { ...onSubmit, on: { event: "noSuchEvent" } }),
      400,
      "SB_ERR_VALIDATION",
    );
    expect(unknown.errors).toContainEqual(expect.objectContaining({ code: "unknown-trigger" }));
  });

  it("deactivates a rule on DELETE and keeps its versions", async () => {
    expect((await cm.delete(`${RULES}/${ID}`)).status).toBe(204);
    const shown = await cm.get(`${RULES}/${ID}`);
    expect(shown.body).toMatchObject({ activeVersion: null, enabled: false, latestVersion: 5 });
    expect((await cm.get(`${RULES}/${ID}/versions`)).body.versions).toHaveLength(5);
    expect((await cm.post(`${RULES}/${ID}/activate`, { version: 4 })).body).toMatchObject({
      activeVersion: 4,
      enabled: true,
    });
  });

  it("keeps orgs apart and roles to their jobs", async () => {
    const other = stack.client("cmB");
    expectProblem(await other.get(`${RULES}/${ID}`), 404, "SB_ERR_NOT_FOUND");
    expectProblem(await other.get(`${RULES}/${ID}/versions`), 404, "SB_ERR_NOT_FOUND");
    expectProblem(await other.post(`${RULES}/${ID}/activate`, { version: 1 }), 404, "SB_ERR_NOT_FOUND");
    expectProblem(await other.put(`${RULES}/${ID}`, reminderRule()), 404, "SB_ERR_NOT_FOUND");
    expect((await other.get("/v1/orgs/org-b/rules")).body.rules).toEqual([]);
    // The same rule id in org B is a rule of its own, and org B has no slotBooked declared.
    expectProblem(await other.put(`/v1/orgs/org-b/rules/${ID}`, reminderRule()), 400, "SB_ERR_VALIDATION");
    const viewer = stack.client("viewerA");
    expect((await viewer.get(`${RULES}/${ID}`)).status).toBe(200);
    expectProblem(await viewer.put(`${RULES}/${ID}`, reminderRule()), 403, "SB_ERR_FORBIDDEN");
    expectProblem(await viewer.patch(`${RULES}/${ID}`, { enabled: false }), 403, "SB_ERR_FORBIDDEN");
    expectProblem(await stack.client("appA").get(RULES), 403, "SB_ERR_FORBIDDEN");
  });
});
