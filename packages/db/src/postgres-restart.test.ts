import { isSwitchboardError } from "@switchboard/errors";
import { startPostgresServer, type PostgresServer } from "@switchboard/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "./index.js";

const one = (database: Database) => sql<{ n: number }>`select 1 as n`.execute(database.db);

/** The server goes away under an open pool: the process lives on, says "unavailable", and reconnects. */
describe("PostgreSQL restarted under an open pool", () => {
  let server: PostgresServer;
  let database: Database;
  beforeAll(async () => {
    server = await startPostgresServer();
    database = await openDatabase({ url: server.url, poolSize: 4 });
  });
  afterAll(async () => {
    await database?.close();
    await server?.close();
  });

  for (const fault of ["stop", "kill"] as const) {
    it(`after a ${fault}, a transaction holding its connection fails, queries are unavailable, then work again`, async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      // A connection checked out of the pool, idle between two statements, when the server goes.
      const transaction = database.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        await held;
        await sql`select 2`.execute(trx);
      });
      const settled = transaction.then(
        () => undefined,
        (error: unknown) => error,
      );
      await new Promise((r) => setTimeout(r, 200));
      await server[fault]();
      release();
      expect(await settled).toBeInstanceOf(Error);

      const down = await one(database).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isSwitchboardError(down) && down.code).toBe("SB_ERR_UNAVAILABLE");

      await server.restart();
      expect((await one(database)).rows).toEqual([{ n: 1 }]);
    });
  }
});
