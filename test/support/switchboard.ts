import { createLogger } from "@switchboard/logger";
import { generateKeyringEntry } from "@switchboard/secrets";
import { requireHttp, runSwitchboard, type RunningSwitchboard } from "@switchboard/switchboard";
import {
  createTestDatabase,
  startNatsServer,
  type NatsServer,
  type TestDatabase,
} from "@switchboard/testing";

export const ADMIN_KEY = "sbk_test_admin_key_0123456789abcdef";

export interface TestStack {
  nats: NatsServer;
  database: TestDatabase;
  app: RunningSwitchboard;
  url: string;
  close(): Promise<void>;
}

/**
 * Every service in one process, on a nats-server (with authentication, as deployed) and a PostgreSQL
 * database of the test's own.
 */
export async function startStack(env: Record<string, string> = {}): Promise<TestStack> {
  const nats = await startNatsServer({ auth: true });
  const database = await createTestDatabase();
  const app = await runSwitchboard({
    env: {
      ...(await nats.auth!.processEnv()),
      NATS_URL: nats.url,
      DATABASE_URL: database.url,
      PORT: "0",
      HOST: "127.0.0.1",
      SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
      SWITCHBOARD_OUTBOX_POLL_MS: "50",
      SWITCHBOARD_SECRETS_KEYRING: generateKeyringEntry(),
      ...env,
    },
    logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    announce: () => {},
  });
  return {
    nats,
    database,
    app,
    url: requireHttp(app).url,
    async close() {
      await app.stop();
      await database.drop();
      await nats.close();
    },
  };
}
