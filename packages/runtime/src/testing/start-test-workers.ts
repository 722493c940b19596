import { loadConfig } from "@switchboard/config";
import { openDatabase } from "@switchboard/db";
import { createLogger } from "@switchboard/logger";
import type { ServiceFactory } from "../service.js";
import { startServices, type RunningWorkers } from "../start-services.js";

export interface TestWorkersOptions {
  natsUrl: string;
  databaseUrl: string;
  factories: ServiceFactory[];
  /** More environment for loadConfig, over the test defaults. */
  env?: Record<string, string>;
}

/**
 * Services under test on a nats-server and a database the test made, as an engine-only process
 * runs them: no HTTP server, the outbox relay polling every 50 ms so published events show soon,
 * logs silent unless TEST_LOG_LEVEL says otherwise. Lives here, not in @switchboard/testing,
 * because that package sits below runtime.
 */
export async function startTestWorkers(options: TestWorkersOptions): Promise<RunningWorkers> {
  const { natsUrl, databaseUrl } = options;
  return startServices({
    config: loadConfig({
      NATS_URL: natsUrl,
      DATABASE_URL: databaseUrl,
      SWITCHBOARD_OUTBOX_POLL_MS: "50",
      ...options.env,
    }),
    logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    natsServers: natsUrl,
    database: await openDatabase({ url: databaseUrl }),
    factories: options.factories,
    http: false,
  });
}
