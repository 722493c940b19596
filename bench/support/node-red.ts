import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer, type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { waitFor } from "@switchboard/testing";

const FLOWS_DIR = path.resolve(fileURLToPath(new URL("../node-red", import.meta.url)));

export interface NodeRed {
  /** The flow's http in node: POST an event here. */
  eventsUrl: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Node-RED 4 as its own process, headless (settings in bench/node-red/settings.cjs), with the
 * http in → switch → http request → http response flow of bench/node-red/flows.json posting the
 * matching events to `sinkUrl`. Its user dir is a temporary one, removed on stop.
 */
export async function startNodeRed(sinkUrl: string): Promise<NodeRed> {
  const userDir = mkdtempSync(path.join(os.tmpdir(), "sb-bench-node-red-"));
  copyFileSync(path.join(FLOWS_DIR, "flows.json"), path.join(userDir, "flows.json"));
  const port = await freePort();
  const redJs = createRequire(import.meta.url).resolve("node-red/red.js");
  const child = spawn(
    process.execPath,
    [redJs, "--settings", path.join(FLOWS_DIR, "settings.cjs"), "--userDir", userDir],
    {
      env: { ...process.env, NODE_RED_PORT: String(port), SINK_URL: sinkUrl },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const kill = () => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL");
  process.once("exit", kill);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    process.removeListener("exit", kill);
    rmSync(userDir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`Node-RED exited (${child.exitCode}):\n${output}`);
        return /Started flows/.test(output);
      },
      { timeoutMs: 60_000, what: "Node-RED to start its flows" },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { eventsUrl: `http://127.0.0.1:${port}/events`, pid: child.pid!, stop };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
