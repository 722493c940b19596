import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { startNatsServer, type NatsServer } from "./nats-server.js";
import { waitFor } from "./wait.js";

/** The INFO line a nats-server sends to every new connection. */
function serverInfo(port: number): Promise<{ port: number; jetstream?: boolean; server_name: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    let buffer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      const end = buffer.indexOf("\r\n");
      if (end === -1) return;
      socket.destroy();
      resolve(JSON.parse(buffer.slice("INFO ".length, end)));
    });
    socket.once("error", reject);
  });
}

const refused = (port: number) =>
  serverInfo(port).then(
    () => false,
    () => true,
  );

describe("startNatsServer", () => {
  const started: NatsServer[] = [];
  afterAll(async () => {
    await Promise.all(started.map((s) => s.close()));
  });

  it("runs JetStream on a free loopback port, never the default one", async () => {
    const server = await startNatsServer();
    started.push(server);
    expect(server.port).not.toBe(4222);
    expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
    expect(server.pid).toBeTypeOf("number");
    const info = await serverInfo(server.port);
    expect(info.port).toBe(server.port);
    expect(info.jetstream).toBe(true);
  });

  it("can run without JetStream", async () => {
    const server = await startNatsServer({ jetstream: false });
    started.push(server);
    const info = await serverInfo(server.port);
    expect(info.jetstream ?? false).toBe(false);
  });

  it("restarts on the same port and store dir after stop and after kill", async () => {
    const server = await startNatsServer();
    started.push(server);
    const { port, url, storeDir } = server;

    await server.stop();
    expect(server.pid).toBeUndefined();
    expect(await refused(port)).toBe(true);
    await server.restart();
    expect([server.port, server.url, server.storeDir]).toEqual([port, url, storeDir]);
    expect((await serverInfo(port)).jetstream).toBe(true);

    await server.kill();
    expect(await refused(port)).toBe(true);
    await server.restart();
    expect((await serverInfo(port)).port).toBe(port);
    expect(existsSync(storeDir)).toBe(true);
  });

  it("refuses to restart a server that is still running", async () => {
    const server = await startNatsServer();
    started.push(server);
    await expect(server.restart()).rejects.toThrow(/still running/);
  });

  it("close stops the server and removes its temp dir", async () => {
    const server = await startNatsServer();
    const dir = path.dirname(server.storeDir);
    await server.close();
    expect(await refused(server.port)).toBe(true);
    expect(existsSync(dir)).toBe(false);
  });

  it("explains why a server could not start", async () => {
    const previous = process.env.NATS_SERVER_BIN;
    process.env.NATS_SERVER_BIN = "/nonexistent/nats-server";
    try {
      await expect(startNatsServer()).rejects.toThrow(/could not be spawned.*ENOENT/);
    } finally {
      if (previous === undefined) delete process.env.NATS_SERVER_BIN;
      else process.env.NATS_SERVER_BIN = previous;
    }
  });

  it.each(["exit", "SIGTERM"] as const)("kills its servers when the test process ends (%s)", async (how) => {
    const launcher = path.join(path.dirname(fileURLToPath(import.meta.url)), "nats-server.ts");
    const script = `
      const { startNatsServer } = await import(${JSON.stringify(launcher)});
      const s = await startNatsServer({ jetstream: false });
      console.log(JSON.stringify({ pid: s.pid, dir: s.storeDir }));
      ${how === "exit" ? "process.exit(0);" : "process.kill(process.pid, 'SIGTERM');"}
    `;
    const stdout = await new Promise<string>((resolve) => {
      execFile(
        process.execPath,
        ["--conditions=switchboard-source", "--import", "tsx", "--input-type=module", "-e", script],
        (_error, out) => resolve(out),
      );
    });
    const { pid, dir } = JSON.parse(stdout.trim()) as { pid: number; dir: string };
    expect(pid).toBeGreaterThan(0);
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await waitFor(() => !alive(), { timeoutMs: 10_000, what: `nats-server ${pid} to be gone` });
    expect(existsSync(path.dirname(dir))).toBe(false);
  });
});
