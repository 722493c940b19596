import type { NatsConnection, Status } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { UnavailableError } from "@switchboard/errors";
import type { Logger } from "@switchboard/logger";

export interface ConnectBusOptions {
  servers: string | string[];
  /** Connection name shown by the server (`/connz`), e.g. the service name. */
  name: string;
  logger: Logger;
}

/**
 * Connects and keeps reconnecting forever: a service rides out a NATS restart instead of dying.
 * Publishes made while disconnected are buffered by the client; requests time out.
 */
export async function connectBus(opts: ConnectBusOptions): Promise<NatsConnection> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: opts.servers,
      name: opts.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      reconnectJitter: 250,
    });
  } catch (error) {
    throw new UnavailableError(
      `cannot connect to NATS at ${String(opts.servers)}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  opts.logger.info({ server: nc.getServer() }, "connected to NATS");
  logStatus(nc, opts.logger).catch((error: unknown) =>
    opts.logger.error({ err: error }, "NATS status watch failed"),
  );
  return nc;
}

/** Ends by itself when the connection closes. */
async function logStatus(nc: NatsConnection, logger: Logger): Promise<void> {
  for await (const s of nc.status()) logStatusChange(s, logger);
  const closedWith = await nc.closed();
  if (closedWith) logger.error({ err: closedWith }, "NATS connection closed with an error");
}

function logStatusChange(s: Status, logger: Logger): void {
  switch (s.type) {
    case "disconnect":
      logger.warn({ server: s.server }, "disconnected from NATS; reconnecting");
      return;
    case "reconnect":
      logger.info({ server: s.server }, "reconnected to NATS");
      return;
    case "error":
      logger.error({ err: s.error }, "NATS connection error");
      return;
    case "ldm":
      logger.warn({ server: s.server }, "NATS server entering lame duck mode");
      return;
    case "slowConsumer":
      logger.warn({ subject: s.sub.getSubject(), pending: s.pending }, "slow NATS subscription");
      return;
    case "close":
      logger.info("NATS connection closed");
      return;
    default:
      return; // pings, cluster updates and reconnect attempts are noise
  }
}
