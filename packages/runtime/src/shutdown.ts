import type { Logger } from "@switchboard/logger";

/**
 * Stops the app on SIGTERM/SIGINT: in-flight work finishes, NATS drains, the database closes.
 * A second signal, or a stop that takes longer than `timeoutMs`, exits at once.
 */
export function stopOnSignals(app: { stop(): Promise<void> }, logger: Logger, timeoutMs = 20_000): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second signal, exiting now");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, "stopping");
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, "stop timed out, exiting");
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "stop failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
