import type { NatsConnection } from "@switchboard/bus";
import type { ServiceContext } from "@switchboard/runtime";

export interface NatsLink {
  /** False from a disconnect until the reconnect. */
  isUp(): boolean;
  stop(): void;
}

/**
 * Follows the connection's state. While it is down the client would buffer a publish and send it
 * after reconnecting, possibly long after the caller was told 503; refusing at once instead means
 * a 503 never hides a write that lands later.
 */
export function watchNatsLink(
  nc: NatsConnection,
  logger: ServiceContext["logger"],
  onReconnect: () => void,
): NatsLink {
  let up = true;
  let stopped = false;
  const follow = async (): Promise<void> => {
    for await (const status of nc.status()) {
      if (stopped) return;
      if (status.type === "disconnect" || status.type === "close") up = false;
      else if (status.type === "reconnect") {
        up = true;
        onReconnect();
      }
    }
  };
  follow().catch((error: unknown) => logger.warn({ err: error }, "NATS status watch for ingress ended"));
  return {
    isUp: () => up && !nc.isClosed(),
    stop: () => {
      stopped = true;
    },
  };
}
