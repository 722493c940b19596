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
 * in-process for PLAN, through the same command path. Its outbox relay polls once a minute, so an
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
      return { plans: request.orgId === "org-a" && userId === PLAN.userId ? [PLAN] : [] };
    },
    getPlan: async () => ({ plan: PLAN, template: TEMPLATE }),
  });
  return { name: "plans", start: async () => {}, stop: async () => {} };
}
