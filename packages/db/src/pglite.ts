import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { UnavailableError } from "@switchboard/errors";
import { Kysely } from "kysely";
import { withSchemaMigrationLocks } from "./migration-lock.js";
import type { OpenedDatabase } from "./database.types.js";
import { pgliteTypeParsers } from "./type-parsers.js";

/**
 * PGlite is one connection. kysely-pglite-dialect hands that connection to one caller at a time
 * (a query, a transaction, or a migrator's run) and queues the others, so concurrent
 * transactions run one after another instead of interleaving. The flip side: inside a
 * transaction, a query on the outer `db` instead of `trx` waits for itself forever.
 */
export async function openPglite<DB = object>(dir: string): Promise<OpenedDatabase<DB>> {
  const dataDir = resolve(dir);
  try {
    await mkdir(dataDir, { recursive: true });
    // Loaded on demand: a deployment on PostgreSQL never loads the WebAssembly build.
    const [{ PGlite }, { PGliteDialect }] = await Promise.all([
      import("@electric-sql/pglite"),
      import("kysely-pglite-dialect"),
    ]);
    const pglite = await PGlite.create({ dataDir, parsers: pgliteTypeParsers });
    const db = new Kysely<DB>({ dialect: withSchemaMigrationLocks(new PGliteDialect(pglite)) });
    return { db, kind: "pglite", description: dataDir, close: () => db.destroy() };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UnavailableError(`cannot open PGlite in ${dataDir}: ${reason}`, { cause: error });
  }
}
