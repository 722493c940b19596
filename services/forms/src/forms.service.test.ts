import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schemaTables } from "@switchboard/db";
import type { OutboxTables } from "@switchboard/outbox";
import { recordMessages, waitFor, type RecordedMessage } from "@switchboard/testing";
import {
  getPlanAsked,
  OLDER_PLANS_PLAN,
  PLAN,
  startFormsStack,
  type FormsStack,
} from "../test/support/forms-stack.js";
import { SCHEMA } from "./migrations.js";
import type { FormsDB } from "./forms.tables.js";

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

  it("writes formAssigned to its outbox and publishes it straight after the commit, once per assignment", async () => {
    const first = await assign("key-3");
    await assign("key-3");
    // The relay polls once a minute here: the command hands its events to the relay itself.
    const event = await waitFor(() => published.find((e) => JSON.stringify(e.data).includes(first.id)), {
      what: "formAssigned published",
    });
    expect(event.subject).toContain("formAssigned");
    const outbox = schemaTables<OutboxTables>(stack.running.context.database.db).withSchema(SCHEMA);
    const rows = await waitFor(
      async () => {
        const mine = (await outbox.selectFrom("outbox").selectAll().execute()).filter((r) =>
          r.payload.includes(first.id),
        );
        return mine.every((r) => r.published_at !== null) && mine;
      },
      { what: "the formAssigned row marked published" },
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.attempts).toBe(1);
    expect(published.filter((e) => JSON.stringify(e.data).includes(first.id))).toHaveLength(1);
  });

  it("assigns once per key when a batch sent side by side repeats keys assigned before, each answered as first assigned", async () => {
    const earlier = await Promise.all([0, 1, 2].map((n) => assign(`side-${n}`)));
    const keys = Array.from({ length: 12 }, (_, n) => `side-${n}`);
    const answers = await Promise.all(keys.map((key) => assign(key)));
    expect(answers.slice(0, 3)).toEqual(earlier);
    const again = await Promise.all(keys.map((key) => assign(key)));
    expect(again).toEqual(answers);
    const stored = await schemaTables<FormsDB>(stack.running.context.database.db)
      .withSchema(SCHEMA)
      .selectFrom("form_assignments")
      .select(["id", "created_at"])
      .where(
        "id",
        "in",
        answers.map((a) => a.id),
      )
      .execute();
    expect(stored).toHaveLength(keys.length);
    expect(new Set(answers.map((a) => a.id)).size).toBe(keys.length);
    // Each answer is the assignment as stored.
    const createdAt = new Map(stored.map((r) => [r.id, new Date(r.created_at).toISOString()]));
    expect(answers.map((a) => createdAt.get(a.id))).toEqual(answers.map((a) => a.createdAt));
  });

  it("takes the plan's template from findPlans, and asks getPlan only of a plans service that answers without it", async () => {
    getPlanAsked.length = 0;
    expect(await assign("key-6")).toMatchObject({ planId: PLAN.id });
    expect(getPlanAsked).toEqual([]);
    const older = await stack.running.context.commands.forms.assignForm({
      orgId: "org-a",
      idempotencyKey: "key-7",
      params: {
        formName: "AppointmentReminder",
        userId: OLDER_PLANS_PLAN.userId,
        plan: { templateName: "maternity-care" },
      },
    });
    expect(older).toMatchObject({ planId: OLDER_PLANS_PLAN.id, userId: OLDER_PLANS_PLAN.userId });
    expect(getPlanAsked).toEqual([OLDER_PLANS_PLAN.id]);
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
