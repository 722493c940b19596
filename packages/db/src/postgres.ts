import { UnavailableError } from "@switchboard/errors";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { DatabaseLogger, OpenedDatabase, PostgresOptions } from "./database.types.js";
import { withSchemaMigrationLocks } from "./migration-lock.js";
import { pgTypeParsers } from "./type-parsers.js";
import { messageOf, reportingUnavailable } from "./unavailable.js";

export async function openPostgres<DB = object>(
  options: PostgresOptions,
  logger?: DatabaseLogger,
): Promise<OpenedDatabase<DB>> {
  const description = describeUrl(options.url);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? "switchboard",
    types: pgTypeParsers,
  });
  // An idle connection that breaks (server restart, network) emits "error" on the pool;
  // unhandled, that event would crash the process. The pool replaces the connection itself.
  pool.on("error", (error) =>
    logger?.warn({ err: error, database: description }, "idle PostgreSQL connection failed"),
  );
  // A connection checked out of the pool (a transaction between statements) that the server ends
  // (shutdown, restart, crash) emits "error" on its client, where the pool no longer listens: that
  // too would crash the process. Its next query fails instead, and the pool drops it on release.
  pool.on("connect", (client) =>
    client.on("error", (error) =>
      logger?.warn({ err: error, database: description }, "PostgreSQL connection in use failed"),
    ),
  );
  const db = new Kysely<DB>({
    dialect: withSchemaMigrationLocks(new PostgresDialect({ pool: reportingUnavailable(pool, description) })),
  });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw new UnavailableError(`cannot connect to PostgreSQL at ${description}: ${messageOf(error)}`, {
      cause: error,
    });
  }
  return { db, kind: "postgres", description, close: () => db.destroy() };
}

/** host:port/database from a connection string, leaving out credentials. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || "localhost"}:${parsed.port || "5432"}${parsed.pathname}`;
  } catch {
    return "the configured URL";
  }
}
