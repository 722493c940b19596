import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { openDatabase } from "@switchboard/db";

/** Something the bench started and stops afterwards. */
export interface BenchResource {
  url: string;
  close(): Promise<void>;
}

/**
 * NATS_URL when set; otherwise a nats-server with JetStream in a temp dir, on a free port
 * (NATS_SERVER_BIN names the binary, `nats-server` by default).
 */
export async function benchNats(): Promise<BenchResource> {
  const given = process.env.NATS_URL;
  if (given) return { url: given, close: async () => {} };
  const dir = await mkdtemp(path.join(tmpdir(), "sb-bench-nats-"));
  const port = await freePort();
  const child = spawn(
    process.env.NATS_SERVER_BIN ?? "nats-server",
    ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", dir],
    {
      stdio: "ignore",
    },
  );
  const started = Date.now();
  while (!(await accepts(port))) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}`);
    if (Date.now() - started > 30_000) throw new Error("nats-server did not start within 30 s");
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    async close() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * DATABASE_URL when set (it gets the webhook_bridge schema); otherwise a fresh database on the
 * server TEST_DATABASE_URL names (default postgres://postgres@127.0.0.1:5432/postgres), dropped after.
 */
export async function benchDatabase(): Promise<BenchResource> {
  const given = process.env.DATABASE_URL;
  if (given) return { url: given, close: async () => {} };
  const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `sb_bench_${randomBytes(6).toString("hex")}`;
  const admin = await openDatabase({ url: adminUrl, poolSize: 1 });
  await sql`create database ${sql.id(name)}`.execute(admin.db);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async close() {
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db);
      await admin.close();
    },
  };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => (socket.destroy(), resolve(false)));
  });
}
