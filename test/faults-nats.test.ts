import { describe, it } from "vitest";
import { expectAllAlive, useFaultFlow, runFlowWithFault } from "./support/fault-flow.js";

const BOOKINGS = Number(process.env.FAULT_NATS_BOOKINGS ?? 1_000);

/** The nats-server stops and starts again on the same store while bookings flow through every service. */
describe("nats-server restarted mid-flow", () => {
  const flow = useFaultFlow({ env: { SWITCHBOARD_RULES_CONCURRENCY: "16" } });

  it("every accepted booking has one assignment, one run and one webhook", async () => {
    const { nats, stack } = flow;
    await runFlowWithFault(flow, BOOKINGS, 0.3, async (load) => {
      await nats.stop();
      const atStop = load.accepted();
      await new Promise((r) => setTimeout(r, 2_000));
      await nats.restart();
      console.log(`nats-server restarted at ${atStop} accepted, ${load.retries()} client retries so far`);
    });
    expectAllAlive(stack);
  }, 600_000);
});
