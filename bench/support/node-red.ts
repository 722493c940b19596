import { spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { waitFor } from "@switchboard/testing";

const FLOWS_DIR = path.resolve(fileURLToPath(new URL("../node-red", import.meta.url)));

/**
 * The baseline's version. Node-RED brings some 480 packages of its own, so it is no dependency of
 * the project: the first benchmark run that needs it installs it into bench/.node-red/ (gitignored).
 */
const NODE_RED_VERSION = "4.1.15";
const INSTALL_DIR = path.resolve(fileURLToPath(new URL("../.node-red", import.meta.url)));
let installed: Promise<string> | undefined;

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
  const redJs = await (installed ??= installNodeRed());
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

/** Path of node-red's red.js in bench/.node-red/, after installing the pinned version there if need be. */
async function installNodeRed(): Promise<string> {
  const home = path.join(INSTALL_DIR, "node_modules", "node-red");
  const versionThere = (): string | undefined =>
    existsSync(path.join(home, "package.json"))
      ? (JSON.parse(readFileSync(path.join(home, "package.json"), "utf8")) as { version?: string }).version
      : undefined;
  if (versionThere() === NODE_RED_VERSION) return path.join(home, "red.js");
  const spec = `node-red@${NODE_RED_VERSION}`;
  console.error(
    `bench: the Node-RED baseline needs ${spec}, which npm ci leaves out; installing it into bench/.node-red/ (once, a minute or two)`,
  );
  mkdirSync(INSTALL_DIR, { recursive: true });
  // A package.json of its own, so npm installs here and not into the workspace above.
  writeFileSync(
    path.join(INSTALL_DIR, "package.json"),
    `${JSON.stringify({ private: true, description: "Node-RED for the benchmark baseline", dependencies: { "node-red": NODE_RED_VERSION } }, null, 2)}\n`,
  );
  const args = [
    "install",
    "--prefix",
    INSTALL_DIR,
    "--no-audit",
    "--no-fund",
    "--no-package-lock",
    "--omit=dev",
  ];
  const child = spawn("npm", args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", resolve);
  });
  if (code !== 0 || versionThere() !== NODE_RED_VERSION) {
    throw new Error(
      `could not install ${spec} into bench/.node-red/ (npm exited with ${code}); ` +
        `install it by hand with: npm install --prefix bench/.node-red ${spec}\n${output.slice(-4000)}`,
    );
  }
  return path.join(home, "red.js");
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
