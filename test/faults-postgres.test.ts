import { describe, expect, it } from "vitest";
import { api, expectProblem, startPostgresServer, waitFor, type PostgresServer } from "@switchboard/testing";
import { expectAllAlive, useFaultFlow, runFlowWithFault, type FaultFlow } from "./support/fault-flow.js";
import { ORG, PATIENT } from "./support/fault-seed.js";

const BOOKINGS = Number(process.env.FAULT_PG_BOOKINGS ?? 1_000);
const WEBHOOK_CONCURRENCY = 4;

/** While PostgreSQL is down, the API says so (503 problem+json) instead of failing or crashing. */
async function expectUnavailable(flow: FaultFlow): Promise<void> {
  const forms = api(flow.stack.url("forms"), flow.key);
  const listed = await waitFor(
    async () => {
      const res = await forms.get(`/v1/orgs/${ORG}/form-assignments?userId=${PATIENT}`);
      return res.status !== 200 && res;
    },
    { timeoutMs: 30_000, what: "the forms API to notice the database is gone" },
  );
  expectProblem(listed, 503, "SB_ERR_UNAVAILABLE");
  expect((await fetch(`${flow.stack.url("forms")}/readyz`)).status).toBe(503);
}

/** PostgreSQL of the test's own, restarted (and killed) while bookings flow; the services reconnect by themselves. */
describe("PostgreSQL restarted mid-flow", () => {
  let server: PostgresServer;
  const flow = useFaultFlow({
    env: {
      SWITCHBOARD_RULES_CONCURRENCY: "16",
      SWITCHBOARD_WEBHOOK_CONCURRENCY: String(WEBHOOK_CONCURRENCY),
    },
    database: async () => {
      server = await startPostgresServer();
      return { url: server.url, close: () => server.close() };
    },
  });

  const faults = [
    { fault: "stop", what: "a fast shutdown and restart" },
    { fault: "kill", what: "kill -9 and a restart (crash recovery)" },
  ] as const;
  for (const { fault, what } of faults) {
    it(`after ${what}, every accepted booking has its effects once`, async () => {
      const duplicatesBefore = flow.sink.duplicates;
      await runFlowWithFault(flow, BOOKINGS, 0.3, async (load) => {
        await server[fault]();
        await expectUnavailable(flow);
        console.log(`PostgreSQL ${fault} at ${load.accepted()} accepted`);
        await server.restart();
      });
      expectAllAlive(flow.stack);
      // A delivery POSTed while its log entry could not be written is sent again: at most those in flight.
      expect(flow.sink.duplicates - duplicatesBefore).toBeLessThanOrEqual(WEBHOOK_CONCURRENCY);
    }, 600_000);
  }
});
