import type { Kysely } from "kysely";
import type { Logger } from "@switchboard/logger";
import { deleteAttemptsBefore } from "./delivery-attempt.repository.js";

export interface AttemptRetention {
  stop(): Promise<void>;
}

/**
 * Deletes delivery attempts older than `retentionMs`, every `everyMs` and once soon after start.
 * Every replica sweeps; the deletes are idempotent, so they need no coordination.
 */
export function startAttemptRetention(options: {
  db: Kysely<any>;
  logger: Logger;
  now: () => Date;
  retentionMs: number;
  everyMs: number;
}): AttemptRetention {
  let sweeping: Promise<void> | undefined;
  const sweep = (): void => {
    if (sweeping !== undefined) return;
    const cutoff = new Date(options.now().getTime() - options.retentionMs);
    sweeping = deleteAttemptsBefore(options.db, cutoff)
      .then((deleted) => {
        if (deleted > 0)
          options.logger.info(
            { deleted, before: cutoff.toISOString() },
            "old webhook delivery attempts deleted",
          );
      })
      .catch((error: unknown) =>
        options.logger.warn(
          { err: error },
          "deleting old webhook delivery attempts failed; next sweep retries",
        ),
      )
      .finally(() => (sweeping = undefined));
  };
  const first = setTimeout(sweep, Math.min(5_000, options.everyMs));
  const timer = setInterval(sweep, options.everyMs);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await sweeping;
    },
  };
}
