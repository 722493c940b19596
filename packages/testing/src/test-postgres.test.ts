import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { adminDatabaseUrl } from "./database.js";
import { freePorts } from "./free-port.js";
import { findPostgresBinDir } from "./postgres-server.js";
import { ensureTestPostgres, NoTestPostgresError } from "./test-postgres.js";

const empty = mkdtempSync(path.join(tmpdir(), "sb-no-pg-"));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

async function closedPortUrl(): Promise<string> {
  const [port] = await freePorts(1);
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

describe("findPostgresBinDir", () => {
  it("finds the installed initdb and postgres, and honours PG_BIN_DIR", () => {
    const found = findPostgresBinDir();
    expect(found).toBeDefined();
    expect(existsSync(path.join(found!, "initdb"))).toBe(true);
    expect(existsSync(path.join(found!, "postgres"))).toBe(true);
    expect(findPostgresBinDir({ PG_BIN_DIR: found, PATH: "" }, empty)).toBe(found);
  });

  it("finds nothing where there is nothing", () => {
    expect(findPostgresBinDir({ PATH: empty }, empty)).toBeUndefined();
    expect(findPostgresBinDir({ PG_BIN_DIR: empty })).toBeUndefined();
  });
});

describe("ensureTestPostgres", () => {
  it("uses the configured server when it answers", async () => {
    const url = adminDatabaseUrl();
    const postgres = await ensureTestPostgres({ ...process.env, TEST_DATABASE_URL: url });
    expect(postgres.server).toBeUndefined();
    expect(postgres.url).toBe(url);
    await postgres.close();
  });

  it("starts a throwaway server when nothing answers, and removes it on close", async () => {
    const postgres = await ensureTestPostgres({ ...process.env, TEST_DATABASE_URL: await closedPortUrl() });
    const server = postgres.server!;
    expect(postgres.url).toBe(server.url);
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      expect((await client.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
    } finally {
      await client.end();
    }
    await postgres.close();
    expect(server.pid).toBeUndefined();
    expect(existsSync(server.dataDir)).toBe(false);
  });

  it("says in one line what to do when nothing answers and no server binaries are installed", async () => {
    const url = await closedPortUrl();
    const error = await ensureTestPostgres({ TEST_DATABASE_URL: url, PG_BIN_DIR: empty }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NoTestPostgresError);
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    expect(message).toContain(`not answering on ${new URL(url).host}`);
    expect(message).toMatch(/install postgresql.*TEST_DATABASE_URL/);
  });
});
