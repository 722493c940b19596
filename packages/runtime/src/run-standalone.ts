import { loadConfig } from "@switchboard/config";
import { openDatabase } from "@switchboard/db";
import { ConfigError, isSwitchboardError } from "@switchboard/errors";
import { createLogger } from "@switchboard/logger";
import type { ServiceFactory } from "./service.js";
import { stopOnSignals } from "./shutdown.js";
import { startServices } from "./start-services.js";

/**
 * Entry point of one service per process (distributed mode): NATS_URL and DATABASE_URL are required,
 * there is nothing embedded to fall back on.
 */
export async function runStandalone(name: string, factory: ServiceFactory): Promise<void> {
  try {
    const config = loadConfig(process.env);
    const logger = createLogger({ level: config.logLevel, name });
    if (config.natsUrl === undefined)
      throw new ConfigError("NATS_URL", `is required to run ${name} on its own`);
    if (config.databaseUrl === undefined)
      throw new ConfigError("DATABASE_URL", `is required to run ${name} on its own`);
    const database = await openDatabase({ url: config.databaseUrl }, logger);
    const running = await startServices({
      config,
      logger,
      natsServers: config.natsServers,
      database,
      factories: [factory],
      http: config.http,
    });
    // Before the line that says it runs: whoever waits for that line may stop it at once.
    stopOnSignals(running, logger);
    const http = "url" in running ? `HTTP ${running.url}` : "no HTTP";
    process.stdout.write(`${name} is running: ${http}, NATS ${config.natsUrl}\n`);
  } catch (error) {
    if (isSwitchboardError(error)) {
      process.stderr.write(`${name}: ${error.message} (${error.code})\n`);
      process.exit(2);
    }
    process.stderr.write(`${name}: could not start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  }
}
