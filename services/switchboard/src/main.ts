import { isSwitchboardError } from "@switchboard/errors";
import { createLogger } from "@switchboard/logger";
import { stopOnSignals } from "@switchboard/runtime";
import { runSwitchboard } from "./compose.js";

const logger = createLogger({ level: process.env.LOG_LEVEL ?? "info", name: "switchboard" });
try {
  const running = await runSwitchboard({ logger });
  process.stdout.write(
    `\nSwitchboard is running\n  HTTP   ${running.url}  (OpenAPI at ${running.url}/docs)\n  NATS   ${running.natsUrl}\n  store  ${running.databaseKind}\n\n`,
  );
  stopOnSignals(running, logger);
} catch (error) {
  if (isSwitchboardError(error)) {
    process.stderr.write(`switchboard: ${error.message} (${error.code})\n`);
    process.exit(2);
  }
  logger.fatal({ err: error }, "could not start");
  process.exit(1);
}
