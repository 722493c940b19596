import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { credsAuthenticator, type ConnectionOptions } from "@nats-io/transport-node";
import { canConnect } from "./free-port.js";
import { createNatsAuth, natsAuthConfig, type NatsAuth } from "./nats-auth-files.js";
import { renderNatsConfig, type NatsConfigSpec } from "./nats-config.js";
import { ServerProcess } from "./server-process.js";

export interface NatsServer {
  /** `nats://127.0.0.1:<port>`; stays the same across restarts. */
  readonly url: string;
  readonly port: number;
  /** JetStream store dir (inside the temp dir); kept across restarts. */
  readonly storeDir: string;
  /** HTTP monitoring endpoint (`/varz`, `/jsz`); its port changes on restart. */
  readonly monitorUrl: string;
  /** Process id while running, undefined after stop/kill. */
  readonly pid: number | undefined;
  /** Graceful SIGTERM; resolves once the process has exited. */
  stop(): Promise<void>;
  /** SIGKILL, as in a crash; resolves once the process has exited. */
  kill(): Promise<void>;
  /** Starts again on the same port and store dir (after stop or kill) and waits until ready. */
  restart(): Promise<void>;
  /** Stops the server if running and removes its temp dir. */
  close(): Promise<void>;
  /** The keys and credentials of a server started with `auth`; undefined without. */
  readonly auth: NatsAuth | undefined;
  /** What a test's own client connects with: this server, as a user that may do anything (with `auth`). */
  connectOptions(): ConnectionOptions;
}

export interface StartNatsServerOptions {
  /** Default true. */
  jetstream?: boolean;
  /** Decentralized JWT authentication (operator, accounts, users), as every deployment runs. Default false. */
  auth?: boolean;
}

export interface ServerSpec {
  dir: string;
  serverName: string;
  jetstream: boolean;
  cluster?: NatsConfigSpec["cluster"];
  auth?: { files: NatsAuth; config: string };
}

const READY_TIMEOUT_MS = 30_000;

/** Starts a nats-server on a free loopback port with its own temp dir (config, ports file, store). */
export async function startNatsServer(opts: StartNatsServerOptions = {}): Promise<NatsServer> {
  const dir = await mkdtemp(path.join(tmpdir(), "sb-nats-"));
  const spec: ServerSpec = { dir, serverName: path.basename(dir), jetstream: opts.jetstream ?? true };
  if (opts.auth === true) {
    const files = await createNatsAuth(path.join(dir, "auth"));
    spec.auth = { files, config: await natsAuthConfig(files, path.join(dir, "jwt")) };
  }
  return launchNatsServer(spec);
}

export async function launchNatsServer(spec: ServerSpec): Promise<NatsServer> {
  const server = new ManagedNatsServer(spec);
  try {
    await server.start();
  } catch (error) {
    await rm(spec.dir, { recursive: true, force: true });
    throw error;
  }
  return server;
}

class ManagedNatsServer implements NatsServer {
  port = -1;
  monitorUrl = "";
  private proc: ServerProcess | undefined;

  constructor(private readonly spec: ServerSpec) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get storeDir(): string {
    return path.join(this.spec.dir, "jetstream");
  }

  get auth(): NatsAuth | undefined {
    return this.spec.auth?.files;
  }

  connectOptions(): ConnectionOptions {
    const creds = this.auth?.adminCreds;
    return {
      servers: this.url,
      ...(creds ? { authenticator: credsAuthenticator(new TextEncoder().encode(creds)) } : {}),
    };
  }

  get pid(): number | undefined {
    return this.proc?.running ? this.proc.child.pid : undefined;
  }

  async start(): Promise<void> {
    const configFile = path.join(this.spec.dir, "nats-server.conf");
    const config = renderNatsConfig(this.configSpec());
    await writeFile(configFile, config.text);
    await removePortsFiles(this.spec.dir);
    const proc = ServerProcess.spawn(configFile, this.spec.dir, config.env);
    this.proc = proc;
    try {
      const ports = await waitUntilReady(proc, this.spec.dir);
      this.port = ports.client;
      this.monitorUrl = ports.monitor;
    } catch (error) {
      await proc.terminate("SIGKILL");
      throw error;
    }
  }

  private configSpec(): NatsConfigSpec {
    const { dir, serverName, jetstream, cluster, auth } = this.spec;
    return {
      serverName,
      port: this.port,
      portsFileDir: dir,
      ...(jetstream ? { storeDir: this.storeDir } : {}),
      ...(cluster ? { cluster } : {}),
      ...(auth ? { auth: { config: auth.config, resolverDir: path.join(dir, "jwt") } } : {}),
    };
  }

  stop(): Promise<void> {
    return this.proc?.terminate("SIGTERM") ?? Promise.resolve();
  }

  kill(): Promise<void> {
    return this.proc?.terminate("SIGKILL") ?? Promise.resolve();
  }

  async restart(): Promise<void> {
    if (this.proc?.running) throw new Error(`nats-server ${this.url} is still running; stop it first`);
    await this.start();
  }

  async close(): Promise<void> {
    await this.stop();
    await rm(this.spec.dir, { recursive: true, force: true });
  }
}

async function removePortsFiles(dir: string): Promise<void> {
  const names = await readdir(dir);
  await Promise.all(
    names.filter((n) => n.endsWith(".ports")).map((n) => rm(path.join(dir, n), { force: true })),
  );
}

/**
 * Ready = the server wrote its ports file (after its listeners are up, JetStream included) and
 * accepts a TCP connection on the client port.
 */
async function waitUntilReady(
  proc: ServerProcess,
  dir: string,
): Promise<{ client: number; monitor: string }> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const reason = proc.startFailure();
    if (reason !== undefined) throw startError(`nats-server ${reason}`, proc);
    const ports = await readPortsFile(dir, proc.child.pid);
    if (ports !== undefined && (await accepting(ports.client))) return ports;
    if (Date.now() > deadline) throw startError(`nats-server not ready after ${READY_TIMEOUT_MS} ms`, proc);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function readPortsFile(
  dir: string,
  pid: number | undefined,
): Promise<{ client: number; monitor: string } | undefined> {
  const names = await readdir(dir);
  const name = names.find((n) => n.endsWith(`_${pid}.ports`));
  if (name === undefined) return undefined;
  try {
    const ports = JSON.parse(await readFile(path.join(dir, name), "utf8")) as {
      nats?: string[];
      monitoring?: string[];
    };
    const client = ports.nats?.[0];
    if (client === undefined) return undefined;
    return { client: Number(new URL(client).port), monitor: ports.monitoring?.[0] ?? "" };
  } catch {
    return undefined; // written but not yet complete
  }
}

const accepting = (port: number): Promise<boolean> =>
  canConnect(port).then(
    () => true,
    () => false,
  );

function startError(message: string, proc: ServerProcess): Error {
  return new Error(`${message}\n--- nats-server stderr ---\n${proc.log.trim() || "(empty)"}`);
}
