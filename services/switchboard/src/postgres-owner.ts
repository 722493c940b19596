import { execFileSync } from "node:child_process";
import fs from "node:fs";

/** Who the PostgreSQL server runs as: this process's user, or `postgres` when this one is root. */
export type ServerOwner = { uid?: number; gid?: number };

/**
 * PostgreSQL refuses to run as root. Run as root, Switchboard runs it as the `postgres` user (as
 * the distributions' packages do); the reason it cannot when there is no such user.
 */
export function serverOwner(): { owner: ServerOwner } | { problem: string } {
  if (process.getuid?.() !== 0) return { owner: {} };
  try {
    const id = (flag: string) =>
      Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8", stdio: "pipe" }).trim());
    return { owner: { uid: id("-u"), gid: id("-g") } };
  } catch {
    return { problem: "it runs as root and there is no postgres user to run PostgreSQL as" };
  }
}

/**
 * Makes `dir` the server's own, and lets it through the data dir above: that one stays this
 * user's, its group set to the server's with only the right to enter (0710), so the server can
 * reach its directory but not list or read the keys beside it.
 */
export function handOver(dir: string, dataDir: string, owner: ServerOwner): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (owner.uid === undefined || owner.gid === undefined) return;
  fs.chownSync(dir, owner.uid, owner.gid);
  fs.chownSync(dataDir, process.getuid!(), owner.gid);
  fs.chmodSync(dataDir, 0o710);
}

/**
 * A runner killed with SIGKILL leaves its PostgreSQL server running on the data dir (it runs in a
 * process group of its own so a terminal's Ctrl-C reaches only the runner, which stops it in
 * order). Stop that one (fast shutdown) before starting another on the same directory.
 */
export async function stopOrphanServer(pgDir: string, warn: (pid: number) => void): Promise<void> {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(`${pgDir}/postmaster.pid`, "utf8").split("\n")[0]);
  } catch {
    return;
  }
  const alive = () => {
    try {
      process.kill(pid, 0);
      return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(pgDir);
    } catch {
      return false;
    }
  };
  if (!Number.isInteger(pid) || pid <= 1 || !alive()) return;
  warn(pid);
  process.kill(pid, "SIGINT");
  for (let i = 0; i < 300 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(pid, "SIGKILL");
}
