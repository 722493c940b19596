import { loadConfig } from "@switchboard/config";
import { isSwitchboardError } from "@switchboard/errors";
import { createLogger } from "@switchboard/logger";
import { stopOnSignals } from "@switchboard/runtime";
import { runSwitchboard } from "./compose.js";

try {
  // Validated before anything else, so a bad LOG_LEVEL is reported like any other variable.
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.logLevel, name: "switchboard" });
  const starting = runSwitchboard({ logger });
  // Handled from the start on: a signal while the embedded servers start stops them once the start
  // is over, and one right after the banner stops everything it announced.
  const signals = stopOnSignals(starting, logger);
  const running = await starting;
  // A start a signal came during is being stopped: it is not announced.
  if (!signals.stopping()) {
    const http =
      "url" in running ? `${running.url}  (OpenAPI at ${running.url}/docs)` : "off (SWITCHBOARD_HTTP=off)";
    process.stdout.write(
      `\nSwitchboard is running\n  HTTP   ${http}\n  NATS   ${running.natsUrl}\n  store  ${running.store}\n\n`,
    );
  }
} catch (error) {
  if (isSwitchboardError(error)) {
    process.stderr.write(`switchboard: ${error.message} (${error.code})\n`);
    process.exit(2);
  }
  process.stderr.write(`switchboard: could not start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
}
