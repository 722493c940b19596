/**
 * vitest globalSetup of `npm test` and `npm run test:faults`: the PostgreSQL server the tests create
 * their databases on. The one TEST_DATABASE_URL names (default 127.0.0.1:5432) if it answers; else a
 * throwaway server of the run's own, stopped and removed at the end; else one line saying what to do.
 */
import { ensureTestPostgres, NoTestPostgresError } from "../packages/testing/src/test-postgres.js";

export default async function setup(): Promise<() => Promise<void>> {
  try {
    const postgres = await ensureTestPostgres();
    if (postgres.server !== undefined) {
      process.env.TEST_DATABASE_URL = postgres.url;
      console.error(
        `tests: nothing answers on ${postgres.asked}; the run uses a throwaway PostgreSQL of its own at 127.0.0.1:${postgres.server.port}, removed at the end`,
      );
    }
    return () => postgres.close();
  } catch (error) {
    if (!(error instanceof NoTestPostgresError)) throw error;
    console.error(`tests: ${error.message}`);
    process.exit(1);
  }
}
