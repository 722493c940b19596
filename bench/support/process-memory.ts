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

export interface MemoryFigures {
  /** Highest RSS seen while sampling, MiB. */
  peak: number;
  /** RSS at the last sample, MiB. */
  end: number;
}

/** Samples the RSS of named processes whenever asked; keeps each one's peak and latest value. */
export class RssSampler {
  readonly #figures = new Map<string, MemoryFigures>();

  constructor(private readonly pids: Record<string, number>) {}

  sample(): void {
    for (const [name, pid] of Object.entries(this.pids)) {
      const rss = residentMiB(pid);
      if (rss === undefined) continue;
      const seen = this.#figures.get(name);
      this.#figures.set(name, { peak: Math.max(seen?.peak ?? 0, rss), end: rss });
    }
  }

  figures(): Record<string, MemoryFigures> {
    return Object.fromEntries(this.#figures);
  }
}
