/** One figure of `npm run bench`, beside the baseline it is compared with (measured in the same run). */
export interface BenchResult {
  /** The section of the table it belongs to, e.g. "ingress" or "scaling: rules per org". */
  group: string;
  name: string;
  unit: string;
  value: number;
  /** Absent for figures that stand alone (RSS, a fixed-rate latency). */
  baselineName?: string;
  baseline?: number;
  /**
   * value / baseline. For "higher is better" figures (throughput) a ratio above 1 beats the
   * baseline; for "lower is better" ones (latency, per-event cost) below 1 does.
   */
  ratio?: number;
  better: "higher" | "lower";
  /** The ratio the figure must reach: at least it (higher) or at most it (lower). */
  target?: number;
  /** An absolute bound on the value itself, e.g. p99 <= 50 ms: at most it (lower) or at least it (higher). */
  limit?: number;
  note?: string;
}

export interface BenchContext {
  /** Multiplies every module's default event counts; BENCH_SCALE=0.1 for a quick run. */
  scale: number;
  /** Scales a default count, never below `min`. */
  count(base: number, min?: number): number;
  log(message: string): void;
}

/** A module under bench/ named `*.bench.ts` exports `bench` of this type. */
export type Bench = (ctx: BenchContext) => Promise<BenchResult[]>;

export function ratioOf(value: number, baseline: number): number {
  return baseline === 0 ? Number.NaN : value / baseline;
}
