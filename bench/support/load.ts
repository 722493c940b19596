/**
 * Load helpers shared by the benchmarks: a fixed number of operations in flight, rates, and the
 * note text that says how a figure was taken.
 */

/** Runs fn(0) … fn(total-1) with at most `inFlight` running at once; the elapsed milliseconds. */
export async function runInFlight(
  total: number,
  inFlight: number,
  fn: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < total) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, worker));
  return performance.now() - started;
}

/** Events per second for `count` events in `ms` milliseconds. */
export const perSecond = (count: number, ms: number): number => (ms <= 0 ? Number.NaN : count / (ms / 1000));

/** Polls `read` until it reaches `target` (or throws after `timeoutMs` without progress). */
export async function waitForCount(
  read: () => Promise<number>,
  target: number,
  what: string,
  stallMs = 60_000,
): Promise<void> {
  let last = -1;
  let movedAt = performance.now();
  for (;;) {
    const n = await read();
    if (n >= target) return;
    if (n !== last) {
      last = n;
      movedAt = performance.now();
    } else if (performance.now() - movedAt > stallMs) {
      throw new Error(`${what}: stuck at ${n} of ${target} for ${stallMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A JSON object of about `bytes` bytes once serialised (for payload-size figures). */
export function paddedPayload(bytes: number, n: number): { id: string; data: string } {
  const id = `p-${n}`;
  return { id, data: "x".repeat(Math.max(0, bytes - id.length - 20)) };
}
