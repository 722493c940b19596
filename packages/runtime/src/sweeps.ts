import type { Logger } from "@switchboard/logger";

/** One kind of data a service deletes (or strips) once it is past its retention. */
export interface Sweep {
  /** What goes, for the log: "outbox rows", "rule run payloads". */
  what: string;
  /** How long it is kept. */
  retentionMs: number;
  /** Deletes (or strips) what is older than `before`; answers how many rows it changed. */
  run(before: Date): Promise<number>;
}

export interface Sweeps {
  /** Runs every sweep now (each at most once at a time); what the timer does. */
  sweepNow(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs the sweeps every `everyMs`, and once soon after start. Every replica sweeps: the deletes are
 * idempotent, so they need no coordination. A failure is logged and the next round tries again.
 */
export function startSweeps(options: {
  sweeps: readonly Sweep[];
  everyMs: number;
  now: () => Date;
  logger: Logger;
}): Sweeps {
  const { logger } = options;
  let sweeping: Promise<void> | undefined;
  const sweepNow = (): Promise<void> => {
    sweeping ??= (async () => {
      for (const sweep of options.sweeps) {
        const before = new Date(options.now().getTime() - sweep.retentionMs);
        try {
          const changed = await sweep.run(before);
          if (changed > 0)
            logger.info({ changed, before: before.toISOString() }, `old ${sweep.what} removed`);
        } catch (error) {
          logger.warn({ err: error }, `removing old ${sweep.what} failed; the next sweep tries again`);
        }
      }
    })().finally(() => (sweeping = undefined));
    return sweeping;
  };
  const tick = (): void => void sweepNow();
  const first = setTimeout(tick, Math.min(5_000, options.everyMs));
  const timer = setInterval(tick, options.everyMs);
  first.unref();
  timer.unref();
  return {
    sweepNow,
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await sweeping;
    },
  };
}
