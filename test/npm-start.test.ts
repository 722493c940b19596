import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { connect, credsAuthenticator } from "@nats-io/transport-node";
import { connect as thirdPartyConnect, credsAuthenticator as thirdPartyCreds } from "nats";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { openDatabase } from "@switchboard/db";
import { issueUser, parseIssuer } from "@switchboard/nats-auth";
import { waitFor } from "@switchboard/testing";
import { api } from "./support/api.js";
import { runEntryPoint, runNpmScript, type ServiceProcess } from "./support/process.js";

/** `npm start` on embedded defaults: a spawned nats-server and a PostgreSQL server in the data dir. */
describe("all-in-one on embedded defaults", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-start-"));
  let running: ServiceProcess | undefined;

  // Every test's runner is stopped when it ends, passed or failed: the next test reuses `running`,
  // and a runner one failed test left behind outlived the whole file.
  afterEach(async () => {
    await running?.stop("SIGKILL");
    running = undefined;
  });

  afterAll(() => {
    // A runner killed that way leaves its PostgreSQL server (the next start would stop it).
    stopServerLeftIn(dataDir);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const start = () => startOnDefaults(dataDir);

  /** Runs `body` on a data dir of its own, removed after it with the runner and servers it left. */
  const inDataDir = async (prefix: string, body: (dir: string) => Promise<void>) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    try {
      await body(dir);
    } finally {
      // Killed before its dir goes: afterEach comes too late for that.
      await running?.stop("SIGKILL");
      running = undefined;
      stopServerLeftIn(dir);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  it("prints the URL and a one-time admin key, serves the API, publishes events, and keeps its data across a restart", async () => {
    running = start();
    const [, url] = await running.waitForOutput(/HTTP\s+(http:\/\/\S+)/, 90_000);
    const [, natsUrl] = await running.waitForOutput(/NATS\s+(nats:\/\/\S+)/);
    const [, adminKey] =
      /platform-admin API key was generated[^\n]*\n\n\s+(sbk_\S+)/.exec(running.output()) ?? [];
    expect(adminKey).toBeDefined();
    // Its own PostgreSQL server, from the installed binaries (this machine has them) on loopback.
    expect(running.output()).toMatch(
      /store {2}postgres: PostgreSQL \d+ \(system\) in \S+\/postgres, postgres:\/\/switchboard@127\.0\.0\.1:\d+\/postgres/,
    );

    const ready = await api(url!).get("/readyz");
    expect(ready.status).toBe(200);

    // The first start made the operator and account keys, readable by their owner only. Run as
    // root, the data dir lets the postgres user's group enter (not list) to reach the server's data.
    expect(fs.statSync(dataDir).mode & 0o777).toBe(process.getuid?.() === 0 ? 0o710 : 0o700);
    expect(fs.statSync(path.join(dataDir, "nats-auth")).mode & 0o777).toBe(0o700);
    for (const file of ["trust-chain.json", "issuer.json"])
      expect(fs.statSync(path.join(dataDir, "nats-auth", file)).mode & 0o777).toBe(0o600);
    const keys = fs.readFileSync(path.join(dataDir, "nats-auth", "trust-chain.json"), "utf8");

    // Nobody connects without credentials; a third party connects with one the org made.
    await expect(connect({ servers: natsUrl!, reconnect: false })).rejects.toThrow(/Authorization Violation/);
    const admin = api(url!, adminKey);
    expect((await admin.post("/v1/orgs", { id: "clinic", name: "Clinic" })).status).toBe(201);
    const credential = await admin.post("/v1/orgs/clinic/nats-credentials", {
      name: "clinic's EMR",
      access: ["subscribe"],
    });
    expect(credential.status).toBe(201);
    const creds = new TextEncoder().encode(credential.body.creds as string);
    const nc = await thirdPartyConnect({
      servers: natsUrl!,
      authenticator: thirdPartyCreds(creds),
      inboxPrefix: credential.body.inboxPrefix,
    });
    const received: any[] = [];
    nc.subscribe("switchboard.events.clinic.>", { callback: (_e, m) => void received.push(m.json()) });
    await nc.flush();
    expect((await admin.post("/v1/orgs/clinic/plan-templates", { name: "care", roles: [] })).status).toBe(
      201,
    );
    expect((await admin.post("/v1/orgs/clinic/plans", { templateName: "care", userId: "p-1" })).status).toBe(
      201,
    );
    const deadline = Date.now() + 15_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await nc.close();
    expect(received[0]).toMatchObject({
      messageType: "switchboard.clinic.planCreated",
      info: { userId: "p-1" },
    });

    expect(await running.stop("SIGTERM"), running.output().slice(-3_000)).toBe(0);

    running = start();
    const [, url2] = await running.waitForOutput(/HTTP\s+(http:\/\/\S+)/, 90_000);
    const [, natsUrl2] = await running.waitForOutput(/NATS\s+(nats:\/\/\S+)/);
    expect(running.output()).not.toContain("platform-admin API key was generated");
    // The same keys: the credential made before the restart still connects.
    expect(fs.readFileSync(path.join(dataDir, "nats-auth", "trust-chain.json"), "utf8")).toBe(keys);
    const again = await thirdPartyConnect({ servers: natsUrl2!, authenticator: thirdPartyCreds(creds) });
    await again.close();
    const orgs = await api(url2!, adminKey).get("/v1/orgs");
    expect(orgs.status).toBe(200);
    expect(orgs.body.orgs.map((o: { id: string }) => o.id)).toEqual(["clinic"]);
    const postmaster = fs.readFileSync(path.join(dataDir, "postgres", "postmaster.pid"), "utf8");
    expect(await running.stop("SIGTERM"), running.output().slice(-3_000)).toBe(0);
    running = undefined;
    // Stopped with the runner.
    expect(() => process.kill(Number(postmaster.split("\n")[0]), 0)).toThrow();
    expect(fs.existsSync(path.join(dataDir, "postgres", "postmaster.pid"))).toBe(false);
  }, 240_000);

  it("a SIGTERM during the start stops what the start had started: nothing is left running", async () => {
    await inDataDir("switchboard-interrupted-", async (freshDir) => {
      running = startOnDefaults(freshDir);
      // The embedded nats-server has been spawned (its pid is written at once); its store, the
      // PostgreSQL server and the services are still to start.
      const pidFile = path.join(freshDir, "nats-server.pid");
      const natsPid = await waitFor(
        () => {
          const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, "utf8")) : NaN;
          return Number.isInteger(pid) && pid > 0 ? pid : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 10, what: "npm start's nats-server to be spawned" },
      );
      expect(running.output()).not.toContain("Switchboard is running");
      const exit = new Promise((resolve) =>
        running!.child.once("exit", (code, signal) => resolve(code ?? signal)),
      );
      running.child.kill("SIGTERM");
      expect(await exit, running.output().slice(-3_000)).toBe(0);
      // Not announced as running: it was being stopped.
      expect(running.output()).not.toContain("Switchboard is running");
      running = undefined;
      // Stopped, not orphaned: the nats-server, and the PostgreSQL server if it had started.
      expect(() => process.kill(natsPid, 0)).toThrow();
      expect(fs.existsSync(pidFile)).toBe(false);
      expect(fs.existsSync(path.join(freshDir, "postgres", "postmaster.pid"))).toBe(false);
    });
  }, 240_000);

  it("stops with all it started when npm itself is told to stop (SIGTERM to npm, as a supervisor sends it)", async () => {
    await inDataDir("switchboard-npm-", async (dir) => {
      const npm = runNpmScript("start", onDefaults(dir));
      try {
        const [, url] = await npm.waitForOutput(/HTTP\s+(http:\/\/\S+)/, 120_000);
        expect((await api(url!).get("/readyz")).status).toBe(200);
        const natsPid = Number(fs.readFileSync(path.join(dir, "nats-server.pid"), "utf8"));
        const postmaster = path.join(dir, "postgres", "postmaster.pid");
        const postgresPid = Number(fs.readFileSync(postmaster, "utf8").split("\n")[0]);
        // npm hands the signal to its script's process; through a shell that does not pass it on,
        // Switchboard would go on running, orphaned, with its servers and its port.
        await npm.stop("SIGTERM");
        const gone = (pid: number) => {
          try {
            process.kill(pid, 0);
            return false;
          } catch {
            return true;
          }
        };
        await waitFor(() => gone(natsPid) && gone(postgresPid) && !fs.existsSync(postmaster), {
          timeoutMs: 30_000,
          what: "npm start's nats-server and PostgreSQL server to stop",
        });
        await expect(api(url!).get("/readyz")).rejects.toThrow();
      } finally {
        npm.killGroup();
      }
    });
  }, 240_000);

  it("keeps using a PGlite store an earlier version made, and says how to move off it", async () => {
    await inDataDir("switchboard-pglite-", async (oldDir) => {
      // What an earlier Switchboard left: a PGlite store in <data dir>/pgdata.
      const pglite = await openDatabase({ pgliteDir: path.join(oldDir, "pgdata") });
      await pglite.close();
      running = startOnDefaults(oldDir);
      await running.waitForOutput(/store {2}pglite in \S+pgdata/, 90_000);
      expect(running.output()).toMatch(/PGlite store made by an earlier version; it is kept and used/);
      expect(running.output()).toMatch(/move \S+pgdata away/);
      expect(fs.existsSync(path.join(oldDir, "postgres"))).toBe(false);
      expect(await running.stop("SIGTERM"), running.output().slice(-3_000)).toBe(0);
      running = undefined;
    });
  }, 240_000);

  it("upgrades a data dir made before authentication: its streams and messages are kept", async () => {
    await inDataDir("switchboard-unauthenticated-", async (oldDir) => {
      // What an earlier Switchboard left: an unauthenticated nats-server's store with an event in it.
      const port = await freePort();
      const old = spawn(
        "nats-server",
        ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", path.join(oldDir, "nats")],
        {
          stdio: "ignore",
        },
      );
      const nc = await waitForConnection(`nats://127.0.0.1:${port}`);
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: "EVENTS", subjects: ["switchboard.events.>"] });
      await jetstream(nc).publish("switchboard.events.clinic.planCreated", '{"kept":true}');
      await nc.close();
      old.kill("SIGTERM");
      await new Promise((resolve) => old.once("exit", resolve));

      running = startOnDefaults(oldDir);
      const [, natsUrl] = await running.waitForOutput(/NATS\s+(nats:\/\/\S+)/, 90_000);
      const issuer = parseIssuer(fs.readFileSync(path.join(oldDir, "nats-auth", "issuer.json"), "utf8"));
      if (!issuer.ok) throw new Error(issuer.error);
      const reader = await issueUser(issuer.value, {
        name: "test reader",
        permissions: { pub: { allow: ["$JS.API.>"], deny: [] }, sub: { allow: ["_INBOX.>"], deny: [] } },
      });
      const authed = await connect({
        servers: natsUrl!,
        authenticator: credsAuthenticator(new TextEncoder().encode(reader.creds)),
      });
      const kept = await (await jetstreamManager(authed)).streams.getMessage("EVENTS", { seq: 1 });
      expect(kept?.json()).toEqual({ kept: true });
      await authed.close();
      expect(await running.stop("SIGTERM"), running.output().slice(-3_000)).toBe(0);
      running = undefined;
    });
  }, 240_000);

  it("refuses bad configuration with a message naming the variable", async () => {
    const bad = runEntryPoint("services/switchboard/src/main.ts", {
      SWITCHBOARD_DATA_DIR: dataDir,
      PORT: "eighty",
    });
    expect(await new Promise((resolve) => bad.child.once("exit", resolve))).toBe(2);
    expect(bad.output()).toContain("PORT: must be a whole number");
  });
});

function stopServerLeftIn(dataDir: string): void {
  try {
    const pid = Number(
      fs.readFileSync(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[0],
    );
    process.kill(pid, "SIGINT");
  } catch {
    // none running
  }
}

/** `npm start` with nothing configured but its data dir. */
function startOnDefaults(dataDir: string): ServiceProcess {
  return runEntryPoint("services/switchboard/src/main.ts", onDefaults(dataDir));
}

/** The environment of a runner with nothing configured but its data dir (on any free HTTP port). */
function onDefaults(dataDir: string): Record<string, string> {
  return {
    SWITCHBOARD_DATA_DIR: dataDir,
    PORT: "0",
    HOST: "127.0.0.1",
    NATS_URL: "",
    DATABASE_URL: "",
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForConnection(url: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      return await connect({ servers: url, reconnect: false });
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
