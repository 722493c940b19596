import { expect } from "vitest";
import { api } from "@switchboard/testing";
import { reminderRule, slotBookedDefinition } from "./examples.js";
import type { FaultStack } from "./fault-stack.js";
import { ADMIN_KEY } from "./switchboard.js";

export const ORG = "hrh";
export const PATIENT = "pat-1";
/**
 * The custom event the flow's rule emits beside its assignment: it goes the rules engine's own way
 * (written to its outbox claimed by its relay, handed over after the commit), so a fault that hits
 * the engine between its commit and the publish shows as a missing or repeated event.
 */
export const EMITTED = "reminderGiven";

/**
 * The org, one key that may do everything the flow needs, the patient's plan, the slotBooked
 * declaration and the reminder rule (active, also emitting EMITTED with the booking's id), and a
 * webhook subscription on formAssigned.
 */
export async function seedFaultFlow(stack: FaultStack, sinkUrl: string): Promise<{ key: string }> {
  const admin = api(stack.url("tenancy"), ADMIN_KEY);
  expect((await admin.post("/v1/orgs", { id: ORG, name: "HRH" })).status).toBe(201);
  const created = await admin.post(`/v1/orgs/${ORG}/api-keys`, {
    name: "flow",
    roles: ["content-manager", "app", "integration"],
  });
  expect(created.status).toBe(201);
  const key = created.body.key as string;
  const plans = api(stack.url("plans"), key);
  const template = { name: "maternity-care", roles: [], forms: ["AppointmentReminder"] };
  expect((await plans.post(`/v1/orgs/${ORG}/plan-templates`, template)).status).toBe(201);
  const plan = { templateName: "maternity-care", userId: PATIENT };
  expect((await plans.post(`/v1/orgs/${ORG}/plans`, plan)).status).toBe(201);

  const rules = api(stack.url("rules-engine"), key);
  const { name, ...definition } = slotBookedDefinition();
  expect((await rules.put(`/v1/orgs/${ORG}/inbound-events/${name}`, definition)).status).toBe(201);
  const reminder = reminderRule() as { actions: unknown[] };
  reminder.actions.push({ emit: { eventType: EMITTED, info: { bookingId: { var: "bookingId" } } } });
  const rule = await rules.put(`/v1/orgs/${ORG}/rules/slot-booked-assigns-reminder?activate=true`, reminder);
  expect(rule.status).toBe(201);

  const webhooks = api(stack.url("webhook-bridge"), key);
  const hook = await webhooks.post(`/v1/orgs/${ORG}/webhooks`, {
    url: sinkUrl,
    eventTypes: ["formAssigned"],
  });
  expect(hook.status).toBe(201);
  return { key };
}
