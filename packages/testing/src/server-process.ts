import { spawn, type ChildProcess } from "node:child_process";
import { track } from "./process-reaper.js";

const TAIL_BYTES = 64 * 1024;

/** A running nats-server process with the tail of what it wrote to stderr (its log). */
export class ServerProcess {
  private tail = "";
  private exitError: Error | undefined;
  private readonly exited: Promise<void>;

  private constructor(readonly child: ChildProcess) {
    child.stdout?.resume();
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      this.tail = (this.tail + chunk).slice(-TAIL_BYTES);
    });
    this.exited = new Promise((resolve) => {
      child.once("error", (error) => {
        this.exitError = error;
        resolve();
      });
      child.once("exit", () => resolve());
    });
  }

  /**
   * `dir` is removed too if the test process ends while the server runs; `env` adds variables the
   * config file reads (`$NAME`).
   */
  static spawn(configFile: string, dir: string, env: Record<string, string> = {}): ServerProcess {
    const bin = process.env.NATS_SERVER_BIN ?? "nats-server";
    const child = spawn(bin, ["-c", configFile], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    track(child, dir);
    return new ServerProcess(child);
  }

  get running(): boolean {
    return this.exitError === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get log(): string {
    return this.tail;
  }

  /** Why the process is gone, for a start error; undefined while it runs. */
  startFailure(): string | undefined {
    if (this.exitError !== undefined) return `could not be spawned (${this.exitError.message})`;
    if (this.running) return undefined;
    return `exited (code ${this.child.exitCode}, signal ${this.child.signalCode}) before it was ready`;
  }

  /** Sends `signal` and waits for the exit; escalates to SIGKILL if SIGTERM is not enough. */
  async terminate(signal: "SIGTERM" | "SIGKILL", graceMs = 15_000): Promise<void> {
    if (!this.running) return this.exited;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
