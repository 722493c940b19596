import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { Logger } from "@switchboard/logger";
import { choosePort } from "./loopback-port.js";
import type { PostgresBinaries } from "./postgres-binaries.js";
import { handOver, serverOwner, stopOrphanServer, type ServerOwner } from "./postgres-owner.js";

export interface LocalPostgres {
  /** postgres://switchboard:<password>@127.0.0.1:<port>/postgres */
  url: string;
  /** For the banner and logs: version, origin, where its data is, the URL without the password. */
  description: string;
  stop(): Promise<void>;
}

const USER = "switchboard";
const READY_TIMEOUT_MS = 60_000;

/** `<dataDir>/postgres`: the server's data dir; PG_VERSION in it once initdb has run. */
export const serverDataDir = (dataDir: string) => path.join(dataDir, "postgres");

/** The major version of the server data dir an earlier start made, if there is one. */
export function serverDataMajor(dataDir: string): number | undefined {
  try {
    return Number(fs.readFileSync(path.join(serverDataDir(dataDir), "PG_VERSION"), "utf8").trim());
  } catch {
    return undefined;
  }
}

/**
 * Runs a PostgreSQL server of Switchboard's own on `<dataDir>/postgres` (made by initdb on the
 * first start), reachable only from this machine: it listens on 127.0.0.1 alone, on a free port,
 * without a unix socket, and every connection needs the password kept in `<dataDir>/postgres-password`
 * (0600). Its log is `<dataDir>/postgres.log`.
 */
export async function startLocalPostgres(
  dataDir: string,
  binaries: PostgresBinaries,
  logger: Logger,
  owner: ServerOwner = ownerOrThrow(),
): Promise<LocalPostgres> {
  const pgDir = serverDataDir(dataDir);
  const logFile = path.join(dataDir, "postgres.log");
  await stopOrphanServer(pgDir, (pid) =>
    logger.warn({ pid }, "stopping a PostgreSQL server left running on this data dir"),
  );
  handOver(pgDir, dataDir, owner);
  const password = ensurePassword(dataDir);
  if (!fs.existsSync(path.join(pgDir, "PG_VERSION"))) await initdb(pgDir, binaries, owner, password, logFile);
  const port = await choosePort(0);
  const settings = { listen_addresses: "127.0.0.1", port, unix_socket_directories: "" };
  const args = ["-D", pgDir, ...Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`])];
  const child = run(binaries, "postgres", args, owner, logFile, true);
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => resolve()).once("error", () => resolve()),
  );
  // A crash of the runner (an uncaught error, process.exit) still stops the server; a SIGKILL
  // cannot, and the next start stops the orphan.
  const onExit = () => child.exitCode === null && child.kill("SIGINT");
  process.once("exit", onExit);
  const url = `postgres://${USER}:${password}@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    process.removeListener("exit", onExit);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
    const escalate = setTimeout(() => child.kill("SIGKILL"), 30_000);
    await exited;
    clearTimeout(escalate);
  };
  try {
    await waitUntilReady(url, child, logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  const where = `PostgreSQL ${binaries.major} (${binaries.source}) in ${pgDir}`;
  return { url, description: `${where}, postgres://${USER}@127.0.0.1:${port}/postgres`, stop };
}

function ownerOrThrow(): ServerOwner {
  const found = serverOwner();
  if ("problem" in found) throw new Error(`cannot run PostgreSQL: ${found.problem}`);
  return found.owner;
}

function ensurePassword(dataDir: string): string {
  const file = path.join(dataDir, "postgres-password");
  if (!fs.existsSync(file)) fs.writeFileSync(file, `${randomBytes(24).toString("hex")}\n`, { mode: 0o600 });
  return fs.readFileSync(file, "utf8").trim();
}

async function initdb(
  pgDir: string,
  binaries: PostgresBinaries,
  owner: ServerOwner,
  password: string,
  logFile: string,
): Promise<void> {
  // initdb reads the superuser's password from a file, which the server's user must be able to read.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-initdb-"));
  const pwfile = path.join(tmp, "pw");
  fs.writeFileSync(pwfile, password, { mode: 0o600 });
  if (owner.uid !== undefined) for (const p of [tmp, pwfile]) fs.chownSync(p, owner.uid, owner.gid!);
  try {
    const args = ["-D", pgDir, "-U", USER, `--pwfile=${pwfile}`, "--auth=scram-sha-256"];
    const child = run(binaries, "initdb", [...args, "-E", "UTF8", "--no-locale"], owner, logFile);
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    if (code !== 0) {
      // Empty again, so the next start runs initdb anew.
      for (const entry of fs.readdirSync(pgDir)) fs.rmSync(path.join(pgDir, entry), { recursive: true });
      throw new Error(`initdb exited with ${code}: ${tail(logFile)}`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** `detached`: a process group of its own, so that a terminal's Ctrl-C reaches only the runner. */
function run(
  binaries: PostgresBinaries,
  name: string,
  args: string[],
  owner: ServerOwner,
  logFile: string,
  detached = false,
): ChildProcess {
  const log = fs.openSync(logFile, name === "initdb" ? "w" : "a", 0o600);
  try {
    return spawn(path.join(binaries.binDir, name), args, {
      ...owner,
      cwd: os.tmpdir(),
      detached,
      stdio: ["ignore", log, log],
    }).once("error", (error) => fs.appendFileSync(logFile, `could not run ${name}: ${error.message}\n`));
  } finally {
    fs.closeSync(log);
  }
}

/** Ready = a session can run a query (connections are refused while it starts or recovers). */
async function waitUntilReady(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await answers(url))) {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null)
      throw new Error(`PostgreSQL exited before it was ready: ${tail(logFile)}`);
    if (Date.now() > deadline)
      throw new Error(`PostgreSQL not ready after ${READY_TIMEOUT_MS} ms: ${tail(logFile)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on("error", () => undefined);
  return client
    .connect()
    .then(() => client.query("select 1"))
    .then(
      () => true,
      () => false,
    )
    .finally(() => client.end().catch(() => undefined));
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, "utf8").slice(-2_000);
  } catch {
    return "(no log)";
  }
}
