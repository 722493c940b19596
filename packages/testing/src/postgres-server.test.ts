import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startPostgresServer, type PostgresServer } from "./postgres-server.js";

async function query(url: string, text: string): Promise<any[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe("startPostgresServer", () => {
  let server: PostgresServer | undefined;
  afterAll(async () => {
    await server?.close();
  });

  it("keeps its data across a stop, a kill and a restart on the same port", async () => {
    server = await startPostgresServer();
    const { url, port } = server;
    expect(port).not.toBe(5432);
    await query(url, "create table kept (n int); insert into kept values (1)");

    await server.stop();
    expect(server.pid).toBeUndefined();
    await expect(query(url, "select 1")).rejects.toThrow();
    await server.restart();
    await query(url, "insert into kept values (2)");

    await server.kill();
    await expect(query(url, "select 1")).rejects.toThrow();
    await server.restart();
    expect(server.url).toBe(url);
    expect((await query(url, "select n from kept order by n")).map((r) => r.n)).toEqual([1, 2]);
  });
});
