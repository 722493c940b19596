import { createLogger } from "@switchboard/logger";
import { generateKeyringEntry } from "@switchboard/secrets";
import { requireHttp, runSwitchboard, type RunningSwitchboard } from "@switchboard/switchboard";
import {
  api,
  createTestDatabase,
  startNatsServer,
  type Api,
  type NatsServer,
  type TestDatabase,
} from "@switchboard/testing";

export const BENCH_ADMIN_KEY = "sbk_bench_admin_key_0123456789abcdef";

/**
 * The chosen services in this process (as `SWITCHBOARD_SERVICES=… npm start` runs them) on a
 * nats-server and a PostgreSQL database of the bench's own. The services can be stopped and started
 * again on the same stores and port, so a backlog published while they are down is measured from a cold start.
 */
export interface BenchStack {
  nats: NatsServer;
  database: TestDatabase;
  /** The running services; undefined between `stopServices()` and `startServices()`. */
  app: RunningSwitchboard | undefined;
  url: string;
  admin: Api;
  startServices(): Promise<void>;
  stopServices(): Promise<void>;
  close(): Promise<void>;
}

export async function startBenchStack(
  services: string[],
  env: Record<string, string> = {},
): Promise<BenchStack> {
  const nats = await startNatsServer();
  const database = await createTestDatabase("sb_bench");
  const fullEnv = {
    NATS_URL: nats.url,
    DATABASE_URL: database.url,
    PORT: "0",
    HOST: "127.0.0.1",
    SWITCHBOARD_ADMIN_KEY: BENCH_ADMIN_KEY,
    SWITCHBOARD_SECRETS_KEYRING: generateKeyringEntry(),
    SWITCHBOARD_SERVICES: services.join(","),
    ...env,
  };
  const stack: BenchStack = {
    nats,
    database,
    app: undefined,
    url: "",
    admin: api("http://127.0.0.1", BENCH_ADMIN_KEY),
    async startServices() {
      if (stack.app !== undefined) return;
      stack.app = await runSwitchboard({
        env: fullEnv,
        logger: createLogger({ level: process.env.BENCH_LOG_LEVEL ?? "silent" }),
        announce: () => {},
      });
      stack.url = requireHttp(stack.app).url;
      // The same port after a restart, so clients made earlier keep working.
      fullEnv.PORT = new URL(stack.url).port;
      stack.admin = api(stack.url, BENCH_ADMIN_KEY);
    },
    async stopServices() {
      const app = stack.app;
      stack.app = undefined;
      await app?.stop();
    },
    async close() {
      await stack.stopServices().catch(() => undefined);
      await database.drop().catch(() => undefined);
      await nats.close();
    },
  };
  try {
    await stack.startServices();
  } catch (error) {
    await stack.close();
    throw error;
  }
  return stack;
}

/** Runs `fn` on a fresh stack and closes it whatever happens. */
export async function withBenchStack<T>(
  services: string[],
  env: Record<string, string>,
  fn: (stack: BenchStack) => Promise<T>,
): Promise<T> {
  const stack = await startBenchStack(services, env);
  try {
    return await fn(stack);
  } finally {
    await stack.close();
  }
}

/** Creates an org and an API key of it with these roles; the key's client. */
export async function createOrg(stack: BenchStack, orgId: string, roles: string[]): Promise<Api> {
  expectStatus(await stack.admin.post("/v1/orgs", { id: orgId, name: orgId }), 201, `create org ${orgId}`);
  const key = await stack.admin.post(`/v1/orgs/${orgId}/api-keys`, { name: "bench", roles });
  expectStatus(key, 201, "create an API key");
  return api(stack.url, key.body.key as string);
}

/** Throws with the answer when a setup call did not get the status it needs. */
export function expectStatus(
  res: { status: number; body: unknown },
  status: number | number[],
  what: string,
) {
  const wanted = Array.isArray(status) ? status : [status];
  if (!wanted.includes(res.status)) {
    throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
  }
}
