#!/usr/bin/env node
// The workspace runs its TypeScript sources through tsx; this launcher re-runs node with the
// source condition and the tsx loader on src/main.ts, so `npx switchboard` works without a build.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
// Resolved from here, not from the caller's directory: a content repository need not have tsx.
const tsx = import.meta.resolve("tsx");
const child = spawn(
  process.execPath,
  ["--conditions=switchboard-source", "--import", tsx, main, ...process.argv.slice(2)],
  {
    stdio: "inherit",
  },
);

// The child shares the terminal, so it gets Ctrl-C itself; forwarding covers a signal sent to this pid alone.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("error", (error) => {
  process.stderr.write(`switchboard: cannot start node: ${error.message}\n`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  if (signal !== null) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
