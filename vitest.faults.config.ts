import { defineConfig } from "vitest/config";
import { FAULT_RUNS, shared } from "./vitest.config.js";

/** `npm run test:faults`: the long fault runs that `npm test` leaves out. */
export default defineConfig({
  ...shared,
  test: { ...shared.test, include: FAULT_RUNS },
});
