import { expect } from "vitest";
import { waitFor } from "@switchboard/testing";
import { api, type Api } from "./api.js";
import { booking, reminderRule, slotBookedDefinition } from "./examples.js";
import type { ConsumerWatch } from "./scenario-jetstream.js";
import type { ProcessStack } from "./scenario-stack.js";
import { ADMIN_KEY } from "./switchboard.js";

export const REMINDER_RULE = "slot-booked-assigns-reminder";

export type Polled = {
  events: {
    cursor: string;
    event: { messageId: string; messageType: string; requestedBy: string; info: any };
  }[];
  next: string;
};

/**
 * An org as its users reach it on a stack of separate processes: the care app and the content
 * manager (one key) at the process that serves each route, and the scheduling system and a polling
 * EMR (integration keys) at ingress.
 */
export interface ScenarioOrg {
  org: string;
  base: string;
  care: Record<"plans" | "forms" | "workQueues" | "rules" | "webhooks", Api>;
  scheduling: Api;
  poller: Api;
  /** A maternity-care plan with the user as its patient; its id. */
  planFor(userId: string): Promise<string>;
  /** POSTs a booked slot to ingress with the Idempotency-Key; expects 202. */
  ingest(messageId: string, payload: unknown): Promise<{ messageId: string; duplicate: boolean }>;
  remindersOf(userId: string): Promise<{ id: string; planId: string; prefill: any }[]>;
  /** The reminder rule's runs on one message. */
  runsOf(messageId: string): Promise<{ messageId: string; status: string }[]>;
  /** Creates a webhook subscription; its id and signing secret. */
  subscribe(body: Record<string, unknown>): Promise<{ id: string; secret: string }>;
  poll(query: string): Promise<{ status: number; body: Polled }>;
  /** The org's events of one type, as a poller reads them from the start. */
  polledEvents(type: string): Promise<Polled["events"][number]["event"][]>;
}

/** Creates the org and its keys through tenancy, and the maternity-care template through plans. */
export async function setUpScenarioOrg(stack: ProcessStack, org: string): Promise<ScenarioOrg> {
  const base = `/v1/orgs/${org}`;
  const admin = api(stack.url("tenancy"), ADMIN_KEY);
  expect((await admin.post("/v1/orgs", { id: org, name: `Org ${org}` })).status).toBe(201);
  const keyFor = async (name: string, roles: string[]) => {
    const res = await admin.post(`${base}/api-keys`, { name, roles });
    expect(res.status).toBe(201);
    return res.body.key as string;
  };
  const [careKey, schedulingKey, pollerKey] = await Promise.all([
    keyFor("care app", ["app", "content-manager"]),
    keyFor("scheduling system", ["integration"]),
    keyFor("EMR poller", ["integration"]),
  ]);
  const care = {
    plans: api(stack.url("plans"), careKey),
    forms: api(stack.url("forms"), careKey),
    workQueues: api(stack.url("work-queues"), careKey),
    rules: api(stack.url("rules-engine"), careKey),
    webhooks: api(stack.url("webhook-bridge"), careKey),
  };
  const scheduling = api(stack.url("ingress"), schedulingKey);
  const poller = api(stack.url("ingress"), pollerKey);
  const template = await care.plans.post(`${base}/plan-templates`, {
    name: "maternity-care",
    roles: ["Patient"],
    forms: ["AppointmentReminder", "Referral", "Intake"],
    workQueues: ["triage"],
  });
  expect(template.status, JSON.stringify(template.body)).toBe(201);

  const poll = (query: string) => poller.get<Polled>(`${base}/events?${query}`);
  return {
    org,
    base,
    care,
    scheduling,
    poller,
    async planFor(userId) {
      const plan = await care.plans.post(`${base}/plans`, {
        templateName: "maternity-care",
        userId,
        roleAssignments: [{ roleId: "Patient", userId }],
      });
      expect(plan.status, JSON.stringify(plan.body)).toBe(201);
      return plan.body.id as string;
    },
    async ingest(messageId, payload) {
      const res = await scheduling.post(`${base}/inbound/scheduling.slotBooked`, payload, {
        "idempotency-key": messageId,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      return res.body;
    },
    async remindersOf(userId) {
      const res = await care.forms.get(`${base}/form-assignments?userId=${userId}`);
      expect(res.status).toBe(200);
      return res.body.formAssignments.filter(
        (a: { formName: string }) => a.formName === "AppointmentReminder",
      );
    },
    async runsOf(messageId) {
      const res = await care.rules.get(`${base}/rule-runs?ruleId=${REMINDER_RULE}&limit=500`);
      expect(res.status).toBe(200);
      return res.body.runs.filter((r: { messageId: string }) => r.messageId === messageId);
    },
    async subscribe(body) {
      const res = await care.webhooks.post(`${base}/webhooks`, body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    },
    poll,
    async polledEvents(type) {
      const res = await poll(`after=0&types=${type}&limit=1000`);
      expect(res.status).toBe(200);
      return res.body.events.map((e) => e.event);
    },
  };
}

/**
 * Declares the scheduling system's slotBooked event, saves and activates the reminder rule, and
 * waits until the engine acts on it: the engine takes an activated rule up shortly after it is
 * saved, so bookings for a patient kept for this are posted until one fires. Its formAssigned is
 * out on the stream on return, before anything subscribes afterwards.
 */
export async function activateReminderRule(org: ScenarioOrg, consumers: ConsumerWatch): Promise<void> {
  const { name, ...definition } = slotBookedDefinition();
  expect((await org.care.rules.put(`${org.base}/inbound-events/${name}`, definition)).status).toBe(201);
  const saved = await org.care.rules.put(`${org.base}/rules/${REMINDER_RULE}?activate=true`, reminderRule());
  expect(saved.status).toBe(201);
  const patient = "pat-probe";
  await org.planFor(patient);
  await waitFor(
    async () => {
      const id = `probe-${Date.now()}`;
      await org.ingest(id, { ...booking(0, patient), bookingId: id });
      await consumers.untilIdle("INBOUND", "rules-engine");
      return (await org.runsOf(id)).length > 0;
    },
    { timeoutMs: 60_000, intervalMs: 250, what: "the reminder rule to fire" },
  );
  await waitFor(async () => (await org.polledEvents("formAssigned")).some((e) => e.info.userId === patient), {
    timeoutMs: 30_000,
    what: `the formAssigned of ${patient}`,
  });
}
