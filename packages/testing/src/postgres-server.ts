import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { accessSync, chownSync, constants, existsSync, readdirSync, realpathSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { freePorts } from "./free-port.js";
import { track } from "./process-reaper.js";

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`; stays the same across restarts. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Process id of the postmaster while running, undefined after stop/kill. */
  readonly pid: number | undefined;
  /** Fast shutdown (SIGINT): open sessions are cut off, the data is checkpointed. */
  stop(): Promise<void>;
  /** SIGKILL of the postmaster and its backends, as in a crash; the next start recovers from the WAL. */
  kill(): Promise<void>;
  /** Starts again on the same port and data dir (after stop or kill) and waits until it answers. */
  restart(): Promise<void>;
  /** Stops the server if running and removes its temp dir. */
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const TAIL_BYTES = 16 * 1024;

const SERVER_BINARIES = ["initdb", "postgres"] as const;

function hasServerBinaries(dir: string): boolean {
  return SERVER_BINARIES.every((name) => {
    try {
      accessSync(path.join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Where `initdb` and `postgres` are: the dir PG_BIN_DIR names, else the first dir on the PATH that
 * holds both (symlinks followed, since postgres finds its share dir next to its real location), else
 * the newest PostgreSQL installed the Debian way (/usr/lib/postgresql/<version>/bin). Undefined if
 * none has them.
 */
export function findPostgresBinDir(
  env: NodeJS.ProcessEnv = process.env,
  versionsRoot = "/usr/lib/postgresql",
): string | undefined {
  if (env.PG_BIN_DIR !== undefined) return hasServerBinaries(env.PG_BIN_DIR) ? env.PG_BIN_DIR : undefined;
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (dir !== "" && hasServerBinaries(dir)) return path.dirname(realpathSync(path.join(dir, "initdb")));
  }
  const versions = existsSync(versionsRoot)
    ? readdirSync(versionsRoot)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return versions.map((v) => path.join(versionsRoot, v, "bin")).find(hasServerBinaries);
}

function binDir(): string {
  const dir = findPostgresBinDir();
  if (dir === undefined) {
    throw new Error(
      "no PostgreSQL server binaries (initdb, postgres): install postgresql, or name their dir in PG_BIN_DIR",
    );
  }
  return dir;
}

/** initdb and postgres refuse to run as root: then they run as the `postgres` user, who owns the dir. */
function runAs(): Pick<SpawnOptions, "uid" | "gid"> {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) =>
    Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8", stdio: "pipe" }).trim());
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    throw new Error("initdb refuses to run as root, and there is no postgres user to run it as");
  }
}

/** A PostgreSQL server of the test's own: its data dir in a temp dir, a free loopback port, trust auth. */
export async function startPostgresServer(options: { binDir?: string } = {}): Promise<PostgresServer> {
  const bin = options.binDir ?? binDir();
  const owner = runAs();
  const dir = await mkdtemp(path.join(tmpdir(), "sb-pg-"));
  if (owner.uid !== undefined) chownSync(dir, owner.uid, owner.gid!);
  const server = new ManagedPostgres(dir, bin, owner);
  try {
    await server.init();
    await server.restart();
  } catch (error) {
    await server.close();
    throw error;
  }
  return server;
}

class ManagedPostgres implements PostgresServer {
  port = 0;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private tail = "";

  constructor(
    private readonly dir: string,
    private readonly bin: string,
    private readonly owner: Pick<SpawnOptions, "uid" | "gid">,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  get dataDir(): string {
    return path.join(this.dir, "data");
  }

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  private get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async init(): Promise<void> {
    const args = ["-D", this.dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"];
    const child = this.spawn("initdb", [...args, "--no-sync"]);
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    if (code !== 0) throw new Error(`initdb exited with ${code}:\n${this.tail}`);
    this.port = (await freePorts(1))[0]!;
  }

  async restart(): Promise<void> {
    if (this.running) throw new Error(`PostgreSQL ${this.url} is still running; stop it first`);
    this.tail = "";
    // A group of its own, so that kill() reaches the backends too, as a crash of the machine would.
    const child = this.spawn(
      "postgres",
      [
        ...["-D", this.dataDir, "-p", String(this.port), "-k", this.dir],
        ...["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300", "-c", "fsync=off"],
      ],
      true,
    );
    this.child = child;
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    await this.waitUntilReady();
  }

  async stop(): Promise<void> {
    await this.signal("SIGINT");
  }

  async kill(): Promise<void> {
    await this.signal("SIGKILL");
  }

  async close(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  private async signal(signal: "SIGINT" | "SIGKILL"): Promise<void> {
    const child = this.child;
    if (child === undefined || !this.running) return;
    if (signal === "SIGKILL") process.kill(-child.pid!, "SIGKILL");
    else child.kill(signal);
    const escalate = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 30_000);
    await this.exited;
    clearTimeout(escalate);
    // Backends leave when the postmaster is gone; the next start waits for its shared memory to be free.
    if (signal === "SIGKILL") await this.groupGone(child.pid!);
  }

  private async groupGone(pgid: number): Promise<void> {
    for (;;) {
      try {
        process.kill(-pgid, 0);
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private spawn(name: string, args: string[], detached = false): ChildProcess {
    const child = spawn(path.join(this.bin, name), args, {
      ...this.owner,
      cwd: this.dir,
      detached,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (chunk: Buffer) => (this.tail = (this.tail + chunk.toString()).slice(-TAIL_BYTES));
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    child.once("error", (error) => (this.tail += `\n${error.message}`));
    track(child, this.dir);
    return child;
  }

  /** Ready = a session can run a query (connections are refused while it starts or recovers). */
  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (!this.running) throw new Error(`PostgreSQL exited before it was ready:\n${this.tail}`);
      const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 2_000 });
      try {
        await client.connect();
        await client.query("select 1");
        return;
      } catch {
        // not yet
      } finally {
        await client.end().catch(() => undefined);
      }
      if (Date.now() > deadline)
        throw new Error(`PostgreSQL not ready after ${READY_TIMEOUT_MS} ms:\n${this.tail}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
