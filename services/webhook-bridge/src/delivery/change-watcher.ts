import type { NatsConnection } from "@switchboard/bus";
import type { Logger } from "@switchboard/logger";
import { changeSubject, parseChange, type SubscriptionChange } from "./change-notification.js";

export interface ChangeWatcherOptions {
  nc: NatsConnection;
  namespace: string;
  logger: Logger;
  /** Safety net for lost notifications. */
  resyncMs: number;
  reload(change: SubscriptionChange): void;
  resync(): void;
}

export interface ChangeWatcher {
  stop(): Promise<void>;
}

/**
 * Keeps this replica's loops in line with the subscriptions: reloads one when a change to it is
 * announced, and everything every `resyncMs` and after a reconnect (notifications sent while
 * disconnected are lost). Subscribe before the first full load, so no change falls in between.
 */
export function watchSubscriptionChanges(options: ChangeWatcherOptions): ChangeWatcher {
  const { nc, logger } = options;
  const subscription = nc.subscribe(changeSubject(options.namespace), {
    callback: (error, msg) => {
      if (error) return logger.warn({ err: error }, "webhook subscription change notifications failed");
      const change = parseChange(msg.data);
      if (change === undefined)
        return logger.warn({ subject: msg.subject }, "malformed webhook subscription change ignored");
      options.reload(change);
    },
  });
  const timer = setInterval(() => options.resync(), options.resyncMs);
  timer.unref();
  let stopped = false;
  resyncOnReconnect(nc, options.resync, () => stopped).catch((error: unknown) =>
    logger.warn({ err: error }, "NATS status watch for webhook subscriptions ended"),
  );
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (!nc.isClosed() && !subscription.isClosed()) await subscription.drain();
    },
  };
}

/** Ends with the connection, or at the first status after `stop()`. */
async function resyncOnReconnect(
  nc: NatsConnection,
  resync: () => void,
  stopped: () => boolean,
): Promise<void> {
  for await (const status of nc.status()) {
    if (stopped()) return;
    if (status.type === "reconnect") resync();
  }
}
