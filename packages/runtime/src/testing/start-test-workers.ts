import { loadConfig } from "@switchboard/config";
import { openDatabase } from "@switchboard/db";
import { createLogger } from "@switchboard/logger";
import type { ServiceFactory } from "../service.js";
import { startServices, type RunningWorkers } from "../start-services.js";

export interface TestWorkersOptions {
  /** A nats-server the test started; closed when the workers stop if `close` is given. */
  nats: { url: string; close?: () => Promise<void> };
  /** A database the test made; dropped when the workers stop if `drop` is given. */
  database: { url: string; drop?: () => Promise<void> };
  factories: ServiceFactory[];
  /** More environment for loadConfig, over the test defaults. */
  env?: Record<string, string>;
}

/**
 * Services under test on a nats-server and a database the test made, as an engine-only process
 * runs them: no HTTP server, the outbox relay polling every 50 ms so published events show soon,
 * logs silent unless TEST_LOG_LEVEL says otherwise. What it is given to close it closes on stop,
 * or at once if the start fails. Lives here, not in @switchboard/testing, because that package
 * sits below runtime.
 */
export async function startTestWorkers(options: TestWorkersOptions): Promise<RunningWorkers> {
  const { nats, database } = options;
  let released = false; // startServices calls onStopped when its own start fails, too
  const release = async () => {
    if (released) return;
    released = true;
    await database.drop?.();
    await nats.close?.();
  };
  try {
    return await startServices({
      config: loadConfig({
        NATS_URL: nats.url,
        DATABASE_URL: database.url,
        SWITCHBOARD_OUTBOX_POLL_MS: "50",
        ...options.env,
      }),
      logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
      natsServers: nats.url,
      database: await openDatabase({ url: database.url }),
      factories: options.factories,
      http: false,
      onStopped: release,
    });
  } catch (error) {
    await release().catch(() => undefined);
    throw error;
  }
}
