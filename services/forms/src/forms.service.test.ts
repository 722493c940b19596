import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schemaTables } from "@switchboard/db";
import type { OutboxTables } from "@switchboard/outbox";
import { recordMessages, waitFor, type RecordedMessage } from "@switchboard/testing";
import { PLAN, startFormsStack, type FormsStack } from "../test/support/forms-stack.js";
import { SCHEMA } from "./migrations.js";

describe("the forms service", () => {
  let stack: FormsStack;
  let published: RecordedMessage[];

  beforeAll(async () => {
    stack = await startFormsStack();
    published = await recordMessages(stack.running.context.nc, "switchboard.events.>");
  });
  afterAll(async () => stack?.close());

  const assign = (idempotencyKey: string, formName = "AppointmentReminder") =>
    stack.running.context.commands.forms.assignForm({
      orgId: "org-a",
      idempotencyKey,
      params: { formName, userId: "p-1", plan: { templateName: "maternity-care" }, prefill: { room: "3" } },
    });

  it("assigns a form on the user's plan through its command, once per idempotency key", async () => {
    const first = await assign("key-1");
    expect(first).toMatchObject({ planId: PLAN.id, formName: "AppointmentReminder", userId: "p-1" });
    expect(await assign("key-1")).toEqual(first);
    const other = await assign("key-2");
    expect(other.id).not.toBe(first.id);
  });

  it("writes formAssigned to its outbox and publishes it, once per assignment", async () => {
    const first = await assign("key-3");
    await assign("key-3");
    const event = await waitFor(() => published.find((e) => JSON.stringify(e.data).includes(first.id)), {
      what: "formAssigned published",
    });
    expect(event.subject).toContain("formAssigned");
    const outbox = schemaTables<OutboxTables>(stack.running.context.database.db).withSchema(SCHEMA);
    const rows = await outbox.selectFrom("outbox").selectAll().execute();
    expect(rows.filter((r) => r.payload.includes(first.id))).toHaveLength(1);
  });

  it("refuses a form the plan's template does not have, and a user with no plan", async () => {
    await expect(assign("key-4", "Referral")).rejects.toMatchObject({ code: "SB_ERR_VALIDATION" });
    await expect(
      stack.running.context.commands.forms.assignForm({
        orgId: "org-a",
        idempotencyKey: "key-5",
        params: { formName: "AppointmentReminder", userId: "p-2", plan: { templateName: "maternity-care" } },
      }),
    ).rejects.toMatchObject({ code: "SB_ERR_NOT_FOUND" });
  });
});
