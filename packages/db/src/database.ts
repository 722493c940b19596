import { sql } from "kysely";
import type { Kysely } from "kysely";
import type { Database, DatabaseLogger, OpenDatabaseOptions } from "./database.types.js";
import { openPglite } from "./pglite.js";
import { openPostgres } from "./postgres.js";

/**
 * Opens PostgreSQL (a pg pool) or embedded PGlite and checks it answers, so a wrong URL fails at
 * start rather than at the first request. Throws UnavailableError when it cannot connect.
 */
export async function openDatabase<DB = object>(
  options: OpenDatabaseOptions,
  logger?: DatabaseLogger,
): Promise<Database<DB>> {
  const database =
    "pgliteDir" in options
      ? await openPglite<DB>(options.pgliteDir)
      : await openPostgres<DB>(options, logger);
  logger?.info({ kind: database.kind, database: database.description }, "database opened");
  return { db: database.db, kind: database.kind, close: once(database.close) };
}

/** Whether the database answers a trivial query within `timeoutMs`; never throws. */
export async function ping<DB>(db: Kysely<DB>, timeoutMs = 5_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const query = sql`select 1`.execute(db).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= fn());
}
