import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";

/**
 * Spawned servers must not outlive the test process: a leaked nats-server keeps its port and
 * store dir and confuses the next run. Children are killed, and their temp dirs removed, on exit
 * and on SIGINT/SIGTERM.
 */
const children = new Map<ChildProcess, string>();
let installed = false;

function killAll(): void {
  for (const [child, dir] of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
  children.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killAll();
  // Keep the default behaviour (terminate) unless someone else also listens for this signal.
  if (process.listenerCount(signal) === 1) {
    process.removeListener(signal, onSignal);
    process.kill(process.pid, signal);
  }
}

/** Kills `child` and removes `dir` if the process ends while the child still runs. */
export function track(child: ChildProcess, dir: string): void {
  if (!installed) {
    installed = true;
    process.on("exit", killAll);
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  }
  children.set(child, dir);
  child.once("exit", () => children.delete(child));
}
