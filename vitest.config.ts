import { defineConfig } from "vitest/config";

/**
 * The long fault runs (each service killed under 5,000 events, nats-server and PostgreSQL restarted
 * mid-flow): `npm run test:faults`. Together they take longer than CI's budget for the whole suite
 * on two cores, so `npm test` leaves them out.
 */
export const FAULT_RUNS = ["test/faults-*.test.ts"];

export const shared = {
  resolve: { conditions: ["switchboard-source", "module", "node", "development|production"] },
  ssr: { resolve: { conditions: ["switchboard-source", "module", "node", "development|production"] } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 90_000,
    pool: "forks" as const,
    maxWorkers: 2,
    reporters: ["default", "./scripts/summary-reporter.ts"],
    // PostgreSQL for the tests: the one on 127.0.0.1:5432 (or TEST_DATABASE_URL), else one of their own.
    globalSetup: ["./scripts/test-setup.ts"],
  },
};

export default defineConfig({
  ...shared,
  test: {
    ...shared.test,
    include: ["packages/*/src/**/*.test.ts", "services/*/src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", ...FAULT_RUNS],
  },
});
