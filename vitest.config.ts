import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["switchboard-source", "module", "node", "development|production"] },
  ssr: { resolve: { conditions: ["switchboard-source", "module", "node", "development|production"] } },
  test: {
    include: ["packages/*/src/**/*.test.ts", "services/*/src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    pool: "forks",
    maxWorkers: 2,
    reporters: ["default", "./scripts/summary-reporter.ts"],
  },
});
