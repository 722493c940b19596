import { runEntryPoint, type ServiceProcess } from "./process.js";

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
/** Starting on a busy two-core machine, with others starting beside it, can take minutes. */
const START_TIMEOUT_MS = 180_000;
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

/** Service processes still running when the test process exits (a hook that timed out) are killed. */
const live = new Set<ServiceProcess>();
process.once("exit", () => {
  for (const proc of live) proc.child.kill("SIGKILL");
});

/** One replica's process, started, stopped, killed and restarted on the port it first got. */
export class ManagedProcess implements StackProcess {
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
    const [, url] = await proc.waitForOutput(READY, START_TIMEOUT_MS).catch((error: Error) => {
      throw new Error(`${this.service}: ${error.message}; it wrote:\n${proc.output().slice(-3_000)}`);
    });
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
