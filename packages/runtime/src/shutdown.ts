import type { Logger } from "@switchboard/logger";

export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Stops the app on SIGTERM/SIGINT: in-flight work finishes, NATS drains, the database closes.
 * A second signal, or a stop that takes longer than `timeoutMs`, exits at once.
 *
 * Given the start itself (its promise), the handlers are there before anything is started: a signal
 * during the start waits for it, then stops all it started instead of killing the process halfway,
 * for a start that spawns servers a killed process would leave running (a second signal still
 * exits at once). A start that fails is left to its caller to report; `stopping()` tells it whether
 * a signal came, so that it does not announce a start that is being stopped.
 */
export function stopOnSignals(
  app: Stoppable | Promise<Stoppable>,
  logger: Logger,
  timeoutMs = 20_000,
): { stopping(): boolean } {
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
    Promise.resolve(app).then(
      (started) =>
        started.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ err: error }, "stop failed");
            process.exit(1);
          },
        ),
      () => {
        // The start failed: its caller reports why and exits.
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  return { stopping: () => stopping };
}
