import net from "node:net";
import { adminDatabaseUrl } from "./database.js";
import { findPostgresBinDir, startPostgresServer, type PostgresServer } from "./postgres-server.js";

export interface TestPostgres {
  /** The server the tests create their databases on: TEST_DATABASE_URL's value for them. */
  url: string;
  /** host:port of the server asked for (TEST_DATABASE_URL or its default), for messages. */
  asked: string;
  /** The throwaway server started because nothing answered, if one was. */
  server: PostgresServer | undefined;
  /** Stops and removes the throwaway server, if one was started. */
  close(): Promise<void>;
}

/** A one-line reason the tests cannot have a PostgreSQL server, with what to do about it. */
export class NoTestPostgresError extends Error {
  override name = "NoTestPostgresError";
}

const PROBE_TIMEOUT_MS = 3_000;

/**
 * The server for a test run: the one TEST_DATABASE_URL names (default 127.0.0.1:5432) if something
 * accepts connections there; else a throwaway one of the run's own (temp dir, trust auth, free
 * loopback port, fsync off) when the server binaries are installed; else a NoTestPostgresError.
 */
export async function ensureTestPostgres(env: NodeJS.ProcessEnv = process.env): Promise<TestPostgres> {
  const configured = adminDatabaseUrl(env);
  const { host, port } = address(configured);
  const asked = `${host ?? "socket"}:${port}`;
  if (host === undefined || (await accepts(host, port))) {
    return { url: configured, asked, server: undefined, close: async () => {} };
  }
  const binDir = findPostgresBinDir(env);
  if (binDir === undefined) {
    const fix =
      env.PG_BIN_DIR !== undefined
        ? `PG_BIN_DIR=${env.PG_BIN_DIR} holds no initdb and postgres`
        : "no server binaries were found (initdb and postgres on the PATH or in /usr/lib/postgresql/*/bin)";
    throw new NoTestPostgresError(
      `PostgreSQL is not answering on ${asked} and ${fix}: start PostgreSQL there, install postgresql (apt-get install postgresql) or set TEST_DATABASE_URL to a server that answers`,
    );
  }
  const server = await startPostgresServer({ binDir });
  return { url: server.url, asked, server, close: () => server.close() };
}

/** Host and port of a postgres:// URL; no host when it names a Unix socket (nothing to probe). */
function address(url: string): { host: string | undefined; port: number } {
  const parsed = new URL(url);
  const socketHost = parsed.searchParams.get("host");
  const host = socketHost?.startsWith("/") ? undefined : parsed.hostname || "localhost";
  return { host, port: Number(parsed.port || 5432) };
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
