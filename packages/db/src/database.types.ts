import type { Kysely } from "kysely";

/**
 * An open database. `db` names the tables `DB` (none by default: the handle a process opens is
 * shared by every service; each sees it through its own tables, see `schemaTables`).
 */
export type Database<DB = object> = {
  db: Kysely<DB>;
  kind: "postgres" | "pglite";
  /** Ends the pool or closes PGlite; calling it again is harmless. */
  close(): Promise<void>;
};

export type PostgresOptions = {
  /** postgres:// connection string. */
  url: string;
  /** Most connections the pool opens; 10 by default. */
  poolSize?: number;
  /** Shown in pg_stat_activity; "switchboard" by default. A URL parameter takes precedence. */
  applicationName?: string;
};

export type PgliteOptions = {
  /** Directory of an embedded PGlite database; created when missing. */
  pgliteDir: string;
};

export type OpenDatabaseOptions = PostgresOptions | PgliteOptions;

/** What this package logs through; a `@switchboard/logger` Logger fits. */
export interface DatabaseLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/** A database as a driver module opens it, before `openDatabase` wraps it. */
export type OpenedDatabase<DB = object> = Database<DB> & {
  /** Where it is, safe to log (never a password). */
  description: string;
};
