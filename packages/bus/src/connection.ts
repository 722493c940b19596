import { readFileSync } from "node:fs";
import type { ConnectionOptions, NatsConnection, Status } from "@nats-io/nats-core";
import { connect, credsAuthenticator } from "@nats-io/transport-node";
import { ConfigError, UnavailableError } from "@switchboard/errors";
import type { Logger } from "@switchboard/logger";

/** Who the connection is: a `.creds` file (user JWT and seed) by path or by content, or nobody. */
export type BusCredentials = { credsFile: string } | { creds: string };

/** TLS towards a server that requires it: a CA to trust, and a client certificate if it asks for one. */
export interface BusTls {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export interface ConnectBusOptions {
  servers: string | string[];
  /** Connection name shown by the server (`/connz`), e.g. the service name. */
  name: string;
  logger: Logger;
  /** Absent: an anonymous connection, which a server with authentication refuses. */
  credentials?: BusCredentials;
  tls?: BusTls;
  /** Where replies come; a user may subscribe to its own prefix only. Default `_INBOX`. */
  inboxPrefix?: string;
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
      // Otherwise every request and JetStream publish builds an Error up front, for the stack of a
      // timeout that rarely comes: the largest single cost of the outbox relay in its profile.
      noAsyncTraces: true,
      ...authOptions(opts),
    });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (/authorization violation|authentication/i.test((error as Error).message)) {
      throw new ConfigError(
        "NATS_CREDS",
        `NATS at ${String(opts.servers)} refused ${opts.credentials === undefined ? "a connection without credentials" : "these credentials"}: ${(error as Error).message}`,
        { cause: error },
      );
    }
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

function authOptions(opts: ConnectBusOptions): Partial<ConnectionOptions> {
  const out: Partial<ConnectionOptions> = {};
  const credentials = opts.credentials;
  let inboxPrefix = opts.inboxPrefix;
  if (credentials !== undefined) {
    const read = (): Uint8Array =>
      "creds" in credentials
        ? new TextEncoder().encode(credentials.creds)
        : readCredsFile(credentials.credsFile);
    // Read at every (re)connect, so a replaced creds file is used without a restart.
    out.authenticator = credsAuthenticator(read);
    inboxPrefix ??= inboxPrefixOfCreds(new TextDecoder().decode(read()));
  }
  if (opts.tls !== undefined) out.tls = { ...opts.tls };
  if (inboxPrefix !== undefined) out.inboxPrefix = inboxPrefix;
  return out;
}

const CREDS_JWT = /-----BEGIN NATS USER JWT-----\s*(\S+)\s*------END NATS USER JWT------/;
const OWN_INBOX = /^(_INBOX[._][^*>\s]+)\.>$/;

/**
 * The inbox prefix a user's JWT lets it subscribe to, when it is restricted to one (a service's
 * `_INBOX.<service>`, a third party's `_INBOX_<credential>`): replies to its requests must come
 * there. Undefined for a user allowed `_INBOX.>` or more, or for text that is not a creds file.
 */
export function inboxPrefixOfCreds(creds: string): string | undefined {
  const payload = CREDS_JWT.exec(creds)?.[1]?.split(".")[1];
  if (payload === undefined) return undefined;
  let allowed: unknown;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
      nats?: { sub?: { allow?: unknown } };
    };
    allowed = claims.nats?.sub?.allow;
  } catch {
    return undefined;
  }
  if (!Array.isArray(allowed)) return undefined;
  for (const subject of allowed) {
    const own = typeof subject === "string" ? OWN_INBOX.exec(subject) : null;
    if (own !== null) return own[1];
  }
  return undefined;
}

function readCredsFile(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new ConfigError("NATS_CREDS", `cannot read the creds file ${file}: ${(error as Error).message}`);
  }
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
