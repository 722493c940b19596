import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jetstream, publish, type CommandRequest } from "@switchboard/bus";
import type { RunningWorkers, ServiceContext } from "@switchboard/runtime";
import { schemaTables } from "@switchboard/db";
import { waitFor } from "@switchboard/testing";
import { runRulesEngineReplica, startRulesStack, type RulesStack } from "../test/support/rules-stack.js";
import { bookedPayload, reminderRule, slotDefinition, SLOT_BOOKED } from "../test/support/fixtures.js";
import type { RulesEngineService } from "./rules-engine.service.js";
import type { RulesEngineDB } from "./rules-engine.tables.js";
import { SCHEMA } from "./migrations.js";

const RULE = "slot-booked-assigns-reminder";

describe("an engine replica with no HTTP server", () => {
  let stack: RulesStack;
  let replica: RunningWorkers;
  const assigned: CommandRequest[] = [];

  /** The forms service, as far as the rule's action needs it. */
  const forms = (ctx: ServiceContext) => {
    ctx.localCommands.register("forms", {
      assignForm: async (request) => {
        assigned.push(request);
        return { id: `a-${assigned.length}` };
      },
    });
    return { name: "forms", start: async () => {}, stop: async () => {} };
  };

  beforeAll(async () => {
    stack = await startRulesStack();
    const cm = stack.client("cmA");
    expect((await cm.put(`/v1/orgs/org-a/inbound-events/${SLOT_BOOKED}`, slotDefinition)).status).toBe(201);
    expect((await cm.put(`/v1/orgs/org-a/rules/${RULE}?activate=true`, reminderRule())).status).toBe(201);
    // Only the replica consumes from here on.
    await stack.running.stop();
    replica = await runRulesEngineReplica(stack.nats.url, stack.database.url, [forms]);
  });
  afterAll(async () => {
    await replica?.stop();
    await stack?.close();
  });

  it("runs the service with no routes mounted and no port", () => {
    expect("url" in replica).toBe(false);
    expect("app" in replica).toBe(false);
    const engine = replica.services.find((s) => s.name === "rules-engine") as RulesEngineService;
    expect(engine.index.definition("org-a", SLOT_BOOKED)).toBeDefined();
  });

  it("consumes an inbound event, runs the org's rule and records the run", async () => {
    const js = jetstream(replica.context.nc);
    const data = new TextEncoder().encode(JSON.stringify(bookedPayload));
    await publish(js, `switchboard.inbound.org-a.${SLOT_BOOKED}`, data, { msgId: "replica-1" });
    await waitFor(() => assigned.length === 1, { what: "the rule's assignForm" });
    expect(assigned[0]).toMatchObject({
      orgId: "org-a",
      requestedBy: `rule:${RULE}@1`,
      params: {
        formName: "AppointmentReminder",
        userId: "p-1",
        prefill: { appointmentTime: "2026-11-21T10:00:00Z" },
      },
    });
    const run = await waitFor(
      () =>
        schemaTables<RulesEngineDB>(replica.context.database.db)
          .withSchema(SCHEMA)
          .selectFrom("rule_runs")
          .selectAll()
          .where("message_id", "=", "replica-1")
          .executeTakeFirst(),
      { what: "the rule run" },
    );
    expect(run).toMatchObject({ org_id: "org-a", rule_id: RULE, version: 1, status: "succeeded" });
  });
});
