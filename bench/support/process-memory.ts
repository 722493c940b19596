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
 * the CPU time each used between the first sample (or the last `restartCpu`) and the last.
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

  /** CPU time counts from now (RSS peaks are kept): e.g. from the end of a warm-up. */
  restartCpu(): void {
    this.#cpu.clear();
    this.sample();
  }

  figures(): Record<string, MemoryFigures> {
    return Object.fromEntries(this.#figures);
  }

  /** CPU seconds each process used between the first sample (or `restartCpu`) and the last. */
  cpuUsed(): Record<string, number> {
    return Object.fromEntries([...this.#cpu].map(([name, c]) => [name, c.last - c.first]));
  }
}

/**
 * CPU time of the PostgreSQL backends serving one database (the server runs on this machine, so its
 * processes are readable in /proc): a backend's time since the meter started, or all of it for a
 * backend that connected later. The server's own background processes (WAL writer, checkpointer)
 * serve every database on the server and are not counted; nor is a backend that disconnects before
 * the end (connection pools keep theirs).
 */
export class PostgresCpuMeter {
  #start = new Map<number, number>();

  private constructor(private readonly backends: () => Promise<number[]>) {}

  /** Starts measuring now; `backends` lists the pids of the database's backends. */
  static async start(backends: () => Promise<number[]>): Promise<PostgresCpuMeter> {
    const meter = new PostgresCpuMeter(backends);
    meter.#start = await meter.read();
    return meter;
  }

  /** CPU seconds the database's backends used since start; undefined when /proc could not be read. */
  async used(): Promise<number | undefined> {
    const now = await this.read();
    if (now.size === 0) return undefined;
    let total = 0;
    for (const [pid, seconds] of now) total += seconds - (this.#start.get(pid) ?? 0);
    return total;
  }

  private async read(): Promise<Map<number, number>> {
    const seconds = new Map<number, number>();
    for (const pid of await this.backends()) {
      const cpu = cpuSeconds(pid);
      if (cpu !== undefined) seconds.set(pid, cpu);
    }
    return seconds;
  }
}
