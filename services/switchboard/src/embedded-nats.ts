import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { ConfigError } from "@switchboard/errors";
import type { Logger } from "@switchboard/logger";
import { choosePort } from "./loopback-port.js";
import { adoptUnauthenticatedStore, ensureLocalNatsAuth } from "./local-nats-auth.js";

export interface EmbeddedNats {
  url: string;
  /** The services' credentials on this server. */
  serviceCreds(namespace: string): Promise<string>;
  /** Where tenancy finds the keys to sign third parties' credentials with. */
  issuerFile: string;
  stop(): Promise<void>;
}

function waitForPort(
  port: number,
  child: ChildProcess,
  stderr: () => string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null)
        return reject(new Error(`nats-server exited (${child.exitCode}): ${stderr()}`));
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve();
      });
      socket.once("error", () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nats-server did not listen on ${port}: ${stderr()}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

/**
 * A runner killed with SIGKILL leaves its nats-server running on the store; stop that one before
 * starting another on the same directory (two servers on one store would corrupt it).
 */
async function stopOrphan(pidFile: string, logger: Logger): Promise<void> {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, "utf8").trim());
  } catch {
    return;
  }
  const alive = () => {
    try {
      process.kill(pid, 0);
      return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("nats-server");
    } catch {
      return false;
    }
  };
  if (!Number.isInteger(pid) || pid <= 1 || !alive()) return;
  logger.warn({ pid }, "stopping a nats-server left running on this data dir");
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(pid, "SIGKILL");
}

/**
 * Spawns a nats-server with JetStream storing in `<dataDir>/nats` for the all-in-one mode, listening
 * on loopback only, with decentralized JWT authentication: every client needs credentials. It
 * keeps the preferred port when free so NATS clients can find it again after a restart.
 */
export async function startEmbeddedNats(
  dataDir: string,
  preferredPort: number,
  logger: Logger,
): Promise<EmbeddedNats> {
  const bin = process.env.NATS_SERVER_BIN ?? "nats-server";
  const storeDir = path.resolve(dataDir, "nats");
  // The data dir holds keys: its owner's alone.
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dataDir, 0o700);
  fs.mkdirSync(storeDir, { recursive: true, mode: 0o700 });
  const pidFile = path.resolve(dataDir, "nats-server.pid");
  await stopOrphan(pidFile, logger);
  const auth = await ensureLocalNatsAuth(path.resolve(dataDir), logger);
  adoptUnauthenticatedStore(storeDir, auth.accountPublicKey, logger);
  const port = await choosePort(preferredPort);
  if (port !== preferredPort)
    logger.warn({ preferredPort, port }, "NATS port in use; the embedded nats-server uses another");
  const configFile = path.resolve(dataDir, "nats-server.conf");
  const config = [
    `host: "127.0.0.1"`,
    `port: ${port}`,
    `jetstream { store_dir: ${JSON.stringify(storeDir)} }`,
    auth.serverConfig,
  ].join("\n");
  fs.writeFileSync(configFile, config, { mode: 0o600 });
  const child = spawn(bin, ["-c", configFile], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "ENOENT"
          ? new ConfigError(
              "NATS_URL",
              `is not set and no nats-server binary was found (install nats-server, or set NATS_URL)`,
            )
          : error,
      ),
    );
  });
  await spawned;
  fs.writeFileSync(pidFile, String(child.pid));
  await waitForPort(port, child, () => stderr);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url: `nats://127.0.0.1:${port}`,
    serviceCreds: auth.serviceCreds,
    issuerFile: auth.issuerFile,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      fs.rmSync(pidFile, { force: true });
    },
  };
}
