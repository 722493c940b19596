import { generateKeyringEntry } from "@switchboard/secrets";
import {
  createTestDatabase,
  startNatsServer,
  type NatsServer,
  type TestDatabase,
} from "@switchboard/testing";
import { runEntryPoint, type ServiceProcess } from "./process.js";
import { ADMIN_KEY } from "./switchboard.js";

/** Each service's entry point when it runs on its own (distributed mode). */
export const SERVICE_ENTRIES = {
  tenancy: "services/tenancy/src/main.ts",
  plans: "services/plans/src/main.ts",
  forms: "services/forms/src/main.ts",
  "work-queues": "services/work-queues/src/main.ts",
  "rules-engine": "services/rules-engine/src/main.ts",
  "webhook-bridge": "services/webhook-bridge/src/main.ts",
  ingress: "services/ingress/src/main.ts",
  "dead-letters": "services/dead-letters/src/main.ts",
} as const;

export type ServiceName = keyof typeof SERVICE_ENTRIES;

const READY = /is running: HTTP (\S+),/;
const START_TIMEOUT_MS = 120_000;
/** A process that ignores SIGTERM this long is killed, so a stuck shutdown cannot hold up the suite. */
const STOP_GRACE_MS = 30_000;

/** One replica of a service in a child process; it keeps its port across restarts. */
export interface StackProcess {
  readonly service: ServiceName;
  readonly replica: number;
  /** `http://127.0.0.1:<port>`, the same after a restart. */
  readonly url: string;
  readonly running: boolean;
  /** What the current run printed. */
  output(): string;
  /** SIGTERM (graceful shutdown); resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, as in a crash; resolves with the exit code. */
  kill(): Promise<number | null>;
  /** Starts it again on the same port (after stop or kill), with extra env if given, and waits until it serves. */
  restart(env?: Record<string, string>): Promise<void>;
}

export interface ProcessStackOptions {
  services: readonly ServiceName[];
  /** Replicas per service; 1 when not named. */
  replicas?: Partial<Record<ServiceName, number>>;
  /** Added to (and overriding) the stack's environment, for every process. */
  env?: Record<string, string>;
}

export interface ProcessStack {
  nats: NatsServer;
  database: TestDatabase;
  /** What every process was started with. */
  env: Record<string, string>;
  /** The first replica's URL of each service. */
  urls: Partial<Record<ServiceName, string>>;
  processes: Partial<Record<ServiceName, StackProcess[]>>;
  url(service: ServiceName, replica?: number): string;
  process(service: ServiceName, replica?: number): StackProcess;
  /** Stops every process, drops the database and stops nats-server. */
  close(): Promise<void>;
}

/**
 * The services as separate processes, one per replica, sharing one nats-server and one fresh
 * PostgreSQL database, as in a distributed deployment. Every process starts at once; the stack is
 * returned when each one serves HTTP.
 */
export async function startProcessStack(options: ProcessStackOptions): Promise<ProcessStack> {
  const [nats, database] = await Promise.all([startNatsServer(), createTestDatabase("sb_scenario")]);
  const env: Record<string, string> = {
    NATS_URL: nats.url,
    DATABASE_URL: database.url,
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn",
    SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
    SWITCHBOARD_OUTBOX_POLL_MS: "50",
    // One keyring for every replica: what one webhook-bridge seals, the others must open.
    SWITCHBOARD_SECRETS_KEYRING: generateKeyringEntry(),
    ...options.env,
  };
  const all: ManagedProcess[] = [];
  for (const service of options.services) {
    const count = options.replicas?.[service] ?? 1;
    for (let replica = 0; replica < count; replica++) all.push(new ManagedProcess(service, replica, env));
  }
  const closeAll = async () => {
    await Promise.all(all.map((p) => p.stop()));
    await database.drop();
    await nats.close();
  };
  const started = await Promise.allSettled(all.map((p) => p.start()));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed !== undefined) {
    await closeAll();
    throw failed.reason;
  }
  const processes: Partial<Record<ServiceName, StackProcess[]>> = {};
  for (const p of all) (processes[p.service] ??= []).push(p);
  const pick = (service: ServiceName, replica = 0): StackProcess => {
    const found = processes[service]?.[replica];
    if (found === undefined) throw new Error(`the stack runs no replica ${replica} of ${service}`);
    return found;
  };
  const urls: Partial<Record<ServiceName, string>> = {};
  for (const [service, replicas] of Object.entries(processes))
    urls[service as ServiceName] = replicas[0]!.url;
  return {
    nats,
    database,
    env,
    urls,
    processes,
    url: (service, replica) => pick(service, replica).url,
    process: pick,
    close: closeAll,
  };
}

/** Service processes still running when the test process exits (a hook that timed out) are killed. */
const live = new Set<ServiceProcess>();
process.once("exit", () => {
  for (const proc of live) proc.child.kill("SIGKILL");
});

class ManagedProcess implements StackProcess {
  url = "";
  private current: ServiceProcess | undefined;

  constructor(
    readonly service: ServiceName,
    readonly replica: number,
    private readonly env: Record<string, string>,
  ) {}

  get running(): boolean {
    const child = this.current?.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  output(): string {
    return this.current?.output() ?? "";
  }

  async start(extra: Record<string, string> = {}): Promise<void> {
    const port = this.url === "" ? "0" : new URL(this.url).port;
    const proc = runEntryPoint(SERVICE_ENTRIES[this.service], { ...this.env, ...extra, PORT: port });
    this.current = proc;
    live.add(proc);
    proc.child.once("exit", () => live.delete(proc));
    const [, url] = await proc.waitForOutput(READY, START_TIMEOUT_MS);
    this.url = url!;
  }

  async stop(): Promise<number | null> {
    const proc = this.current;
    if (proc === undefined) return null;
    const timer = setTimeout(() => proc.child.kill("SIGKILL"), STOP_GRACE_MS);
    try {
      return await proc.stop("SIGTERM");
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): Promise<number | null> {
    return this.current?.stop("SIGKILL") ?? Promise.resolve(null);
  }

  async restart(env: Record<string, string> = {}): Promise<void> {
    if (this.running) throw new Error(`${this.service} #${this.replica} is still running; stop it first`);
    await this.start(env);
  }
}
