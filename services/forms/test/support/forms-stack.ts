import { randomUUID } from "node:crypto";
import { startTestWorkers, type RunningWorkers, type ServiceContext } from "@switchboard/runtime";
import { createTestDatabase, startNatsServer } from "@switchboard/testing";
import { createFormsService } from "../../src/forms.service.js";

export const PLAN = {
  id: randomUUID(),
  templateName: "maternity-care",
  userId: "p-1",
  isTest: false,
  roleAssignments: [],
  createdAt: "2026-11-01T09:00:00.000Z",
};

/** A plan of a user whose findPlans is answered as a plans service older than its `templates` answers. */
export const OLDER_PLANS_PLAN = { ...PLAN, id: randomUUID(), userId: "p-old" };

/** The plan ids forms asked plans.getPlan for, in order. */
export const getPlanAsked: string[] = [];

export const TEMPLATE = {
  name: "maternity-care",
  roles: [],
  forms: ["AppointmentReminder"],
  workQueues: [],
  createdAt: "2026-10-01T09:00:00.000Z",
};

export interface FormsStack {
  running: RunningWorkers;
  close(): Promise<void>;
}

/**
 * The forms service on a nats-server and a PostgreSQL database of its own, with no HTTP server.
 * Plans is another service (not importable here): its two commands forms asks are answered
 * in-process for PLAN (and for OLDER_PLANS_PLAN as a plans service before findPlans answered
 * templates), through the same command path. Its outbox relay polls once a minute, so an
 * event published within a test was handed to the relay, or asked for a pass, by its writer.
 */
export async function startFormsStack(): Promise<FormsStack> {
  const running = await startTestWorkers({
    nats: await startNatsServer(),
    database: await createTestDatabase("sb_forms"),
    factories: [plans, createFormsService],
    env: { SWITCHBOARD_OUTBOX_POLL_MS: "60000" },
  });
  return { running, close: () => running.stop() };
}

function plans(ctx: ServiceContext) {
  ctx.localCommands.register("plans", {
    findPlans: async (request) => {
      const { userId } = request.params as { userId: string };
      if (request.orgId !== "org-a") return { plans: [] };
      if (userId === OLDER_PLANS_PLAN.userId) return { plans: [OLDER_PLANS_PLAN] };
      return userId === PLAN.userId ? { plans: [PLAN], templates: [TEMPLATE] } : { plans: [], templates: [] };
    },
    getPlan: async (request) => {
      const { planId } = request.params as { planId: string };
      getPlanAsked.push(planId);
      return { plan: planId === OLDER_PLANS_PLAN.id ? OLDER_PLANS_PLAN : PLAN, template: TEMPLATE };
    },
  });
  return { name: "plans", start: async () => {}, stop: async () => {} };
}
