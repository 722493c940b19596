import { describe, expect, it } from "vitest";
import {
  commandClient,
  commandClients,
  formsContract,
  plansContract,
  type CommandFunctions,
  type CommandRequestOf,
  type ResultOf,
} from "./index.js";

const PLAN_ID = "242b7766-ac9e-451f-9fe4-dd54489108c1";
const PLAN = {
  id: PLAN_ID,
  templateName: "maternity-care",
  userId: "ada",
  isTest: false,
  roleAssignments: [],
  createdAt: "2025-01-01T00:00:00.000Z",
};

/** A transport that answers every command with `answer` and keeps what it was asked. */
function recording(answer: unknown) {
  const sent: { service: string; command: string; request: CommandRequestOf<unknown> }[] = [];
  const send = async (service: string, command: string, request: CommandRequestOf<unknown>) => {
    sent.push({ service, command, request });
    return answer;
  };
  return { sent, send };
}

describe("commandClient", () => {
  it("sends each command of the contract to its service, by name", async () => {
    const { sent, send } = recording({ plan: PLAN, template: null });
    const plans = commandClient(send, plansContract);
    const view = await plans.getPlan({ orgId: "hrh", params: { planId: PLAN_ID } });
    expect(view.plan.isTest).toBe(false);
    expect(sent).toEqual([
      { service: "plans", command: "getPlan", request: { orgId: "hrh", params: { planId: PLAN_ID } } },
    ]);
    expect(Object.keys(plans).sort()).toEqual(Object.keys(plansContract.commands).sort());
  });

  it("gives a client of every service, named as the services are", async () => {
    const { sent, send } = recording(null);
    const commands = commandClients(send);
    expect(
      await commands["rules-engine"].getDefinition({ orgId: "hrh", params: { name: "a.b" } }),
    ).toBeNull();
    expect(sent[0]).toMatchObject({ service: "rules-engine", command: "getDefinition" });
    expect(Object.keys(commands).sort()).toEqual([
      "forms",
      "plans",
      "rules-engine",
      "tenancy",
      "webhook-bridge",
      "work-queues",
    ]);
  });
});

/**
 * Compile-time checks: the type-checker (tsconfig.check.json) fails if any line marked
 * `@ts-expect-error` compiles, so each shows a mistake the contract's types refuse.
 */
export async function typeChecks(commands: ReturnType<typeof commandClients>): Promise<void> {
  // @ts-expect-error: plans has no command "getPlans"
  await commands.plans.getPlans({ orgId: "hrh", params: { planId: PLAN_ID } });
  // @ts-expect-error: planId is a string
  await commands.plans.getPlan({ orgId: "hrh", params: { planId: 42 } });
  // @ts-expect-error: getPlan takes no userId
  await commands.plans.getPlan({ orgId: "hrh", params: { planId: PLAN_ID, userId: "ada" } });
  // @ts-expect-error: createPlan needs userId
  await commands.plans.createPlan({ orgId: "hrh", params: { templateName: "maternity-care" } });
  // @ts-expect-error: assignForm needs planId or plan
  await commands.forms.assignForm({ orgId: "hrh", params: { formName: "Referral", userId: "ada" } });

  const view = await commands.plans.getPlan({ orgId: "hrh", params: { planId: PLAN_ID } });
  // @ts-expect-error: the template may be null
  view.template.forms.includes("Referral");
  // @ts-expect-error: isTest is a boolean, not a string
  view.plan.isTest.toUpperCase();
  const assignment = await commands.forms.assignForm({
    orgId: "hrh",
    params: { plan: { templateName: "maternity-care" }, formName: "Referral", userId: "ada" },
  });
  // @ts-expect-error: a form assignment's status is "assigned" or "submitted"
  if (assignment.status === "open") return;
  const definition = await commands["rules-engine"].getDefinition({ orgId: "hrh", params: { name: "a" } });
  // @ts-expect-error: no declaration is null
  void definition.version;

  const handlers: CommandFunctions<typeof formsContract> = {
    assignForm: async () => ({ ...(assignment as ResultOf<typeof formsContract, "assignForm">) }),
    // @ts-expect-error: a handler must answer what the contract's result says
    submitForm: async (req) => ({ id: req.params.formAssignmentId }),
  };
  void handlers;
}
