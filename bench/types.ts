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

/** One run of a system and of its bare baseline, measured one after the other. */
export interface Pair<R> {
  run: R;
  value: number;
  baseline: number;
}

/**
 * Measures `pairs` times, the system and then its baseline each time, and answers the pair of
 * median ratio with all of them. On a shared machine one pair's ratio swings widely (the rules
 * engine's from 0.31× to 0.45× in eleven runs of the same code, each side's rate by a tenth or
 * more); the median of three pairs is steadier from one `npm run bench` to the next than any one.
 */
export async function medianPair<R>(
  pairs: number,
  measure: () => Promise<Pair<R>>,
): Promise<{ median: Pair<R>; all: Pair<R>[] }> {
  const all: Pair<R>[] = [];
  for (let i = 0; i < pairs; i++) all.push(await measure());
  const sorted = [...all].sort((a, b) => ratioOf(a.value, a.baseline) - ratioOf(b.value, b.baseline));
  return { median: sorted[Math.floor((sorted.length - 1) / 2)]!, all };
}

/** The pairs as a note shows them: `1,204/3,410 (0.35×)`. */
export function pairsNote(all: readonly Pair<unknown>[]): string {
  const n = (x: number) => Math.round(x).toLocaleString("en-US");
  return all
    .map((p) => `${n(p.value)}/${n(p.baseline)} (${ratioOf(p.value, p.baseline).toFixed(2)}×)`)
    .join(", ");
}
