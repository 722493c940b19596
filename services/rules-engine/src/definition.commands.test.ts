import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendCommand } from "@switchboard/bus";
import { startRulesStack, type RulesStack } from "../test/support/rules-stack.js";
import { slotDefinition, slotSchema, SLOT_BOOKED } from "../test/support/fixtures.js";

describe("rules-engine.getDefinition: a declared schema for services that check payloads", () => {
  let stack: RulesStack;

  beforeAll(async () => {
    stack = await startRulesStack();
    const saved = await stack
      .client("cmA")
      .put(`/v1/orgs/org-a/inbound-events/${SLOT_BOOKED}`, slotDefinition);
    expect(saved.status).toBe(201);
  });
  afterAll(async () => stack?.close());

  const call = (orgId: string, params: unknown) =>
    stack.running.context.call("rules-engine", "getDefinition", { orgId, params });

  it("answers the declaration's name, version, schema and time, in process and over NATS alike", async () => {
    const local = await call("org-a", { name: SLOT_BOOKED });
    expect(local).toEqual({
      name: SLOT_BOOKED,
      version: 1,
      schema: slotSchema,
      updatedAt: expect.any(String),
    });
    const remote = await sendCommand(stack.running.context.nc, {
      namespace: "switchboard",
      service: "rules-engine",
      command: "getDefinition",
      request: { orgId: "org-a", params: { name: SLOT_BOOKED } },
    });
    expect(remote).toEqual({ ok: true, value: local });
  });

  it("answers null for a name not declared, and for another org's declaration", async () => {
    expect(await call("org-a", { name: "scheduling.slotMoved" })).toBeNull();
    expect(await call("org-b", { name: SLOT_BOOKED })).toBeNull();
  });

  it("refuses a malformed name or params", async () => {
    await expect(call("org-a", { name: "a..b" })).rejects.toMatchObject({ code: "SB_ERR_INVALID_NAME" });
    await expect(call("org-a", { name: SLOT_BOOKED, extra: 1 })).rejects.toMatchObject({
      code: "SB_ERR_VALIDATION",
    });
    await expect(call("not an org", { name: SLOT_BOOKED })).rejects.toMatchObject({
      code: "SB_ERR_INVALID_NAME",
    });
  });
});
