import { describe, expect, it } from "vitest";
import { expectAllAlive, useFaultFlow, runFlowWithFault } from "./support/fault-flow.js";
import type { FaultService } from "./support/fault-stack.js";

const BOOKINGS = Number(process.env.FAULT_BOOKINGS ?? 5_000);
const WEBHOOK_CONCURRENCY = 8;
const KILL_ORDER: FaultService[] = ["ingress", "rules-engine", "forms", "plans", "tenancy", "webhook-bridge"];

/** Every service of the path in a process of its own, each SIGKILLed and restarted while bookings flow. */
describe("kill -9 of each service in turn while bookings flow", () => {
  const flow = useFaultFlow({
    env: {
      SWITCHBOARD_RULES_CONCURRENCY: "16",
      SWITCHBOARD_WEBHOOK_CONCURRENCY: String(WEBHOOK_CONCURRENCY),
    },
  });

  it("every accepted booking has one assignment, one run and one webhook", async () => {
    const { stack, reader, sink } = flow;
    await runFlowWithFault(flow, BOOKINGS, 0.05, async (load) => {
      for (const service of KILL_ORDER) {
        const before = await reader.counts();
        await stack.kill(service);
        await new Promise((r) => setTimeout(r, 500));
        await stack.start(service);
        console.log(
          `killed ${service} at ${load.accepted()} accepted, ${before.assignments} assigned, ${sink.total} at the sink`,
        );
      }
    });
    // Only a bridge killed between a POST and its log entry sends a webhook twice: at most what it had in flight.
    expect(sink.duplicates).toBeLessThanOrEqual(WEBHOOK_CONCURRENCY);
    expectAllAlive(stack);
  }, 900_000);
});
