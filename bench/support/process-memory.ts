import { readFileSync } from "node:fs";

/** Resident set size of a process in MiB, from /proc/<pid>/status (VmRSS); undefined once it is gone. */
export function residentMiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a process has used so far, in seconds, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

// USER_HZ: 100 on Linux, whatever the kernel's own tick rate.
const CLOCK_TICKS = 100;

export interface MemoryFigures {
  /** Highest RSS seen while sampling, MiB. */
  peak: number;
  /** RSS at the last sample, MiB. */
  end: number;
}

/**
 * Samples the RSS of named processes whenever asked; keeps each one's peak and latest value, and
 * the CPU time each used between the first sample and the last.
 */
export class RssSampler {
  readonly #figures = new Map<string, MemoryFigures>();
  readonly #cpu = new Map<string, { first: number; last: number }>();

  constructor(private readonly pids: Record<string, number>) {}

  sample(): void {
    for (const [name, pid] of Object.entries(this.pids)) {
      const rss = residentMiB(pid);
      if (rss === undefined) continue;
      const seen = this.#figures.get(name);
      this.#figures.set(name, { peak: Math.max(seen?.peak ?? 0, rss), end: rss });
      const cpu = cpuSeconds(pid);
      if (cpu !== undefined) this.#cpu.set(name, { first: this.#cpu.get(name)?.first ?? cpu, last: cpu });
    }
  }

  figures(): Record<string, MemoryFigures> {
    return Object.fromEntries(this.#figures);
  }

  /** CPU seconds each process used between the first sample and the last. */
  cpuUsed(): Record<string, number> {
    return Object.fromEntries([...this.#cpu].map(([name, c]) => [name, c.last - c.first]));
  }
}
