import { describe, expect, it } from "vitest";
import { Batcher } from "./batcher.js";

/** A statement that records what it was given and finishes when told to. */
function statements() {
  const runs: { items: readonly number[]; finish(error?: Error): void }[] = [];
  const run = (items: readonly number[]) =>
    new Promise<number[]>((resolve, reject) => {
      runs.push({ items, finish: (error) => (error ? reject(error) : resolve(items.map((i) => i * 10))) });
    });
  return { runs, run };
}

const turn = () => new Promise((r) => setImmediate(r));

describe("Batcher", () => {
  it("runs what is submitted in one turn as one statement, and answers each caller its own result", async () => {
    const { runs, run } = statements();
    const batcher = new Batcher(run, { maxBatch: 10, maxRunning: 1 });
    const answers = [1, 2, 3].map((i) => batcher.submit(i));
    await turn();
    expect(runs.map((r) => r.items)).toEqual([[1, 2, 3]]);
    runs[0]!.finish();
    expect(await Promise.all(answers)).toEqual([10, 20, 30]);
  });

  it("holds items while maxRunning statements are out, then sends them together, maxBatch at a time", async () => {
    const { runs, run } = statements();
    const batcher = new Batcher(run, { maxBatch: 2, maxRunning: 1 });
    const first = batcher.submit(1);
    await turn();
    const later = [2, 3, 4].map((i) => batcher.submit(i));
    await turn();
    expect(runs.map((r) => r.items)).toEqual([[1]]);
    runs[0]!.finish();
    await first;
    await turn();
    expect(runs.map((r) => r.items)).toEqual([[1], [2, 3]]);
    runs[1]!.finish();
    await turn();
    await turn();
    expect(runs.map((r) => r.items)).toEqual([[1], [2, 3], [4]]);
    runs[2]!.finish();
    expect(await Promise.all(later)).toEqual([20, 30, 40]);
  });

  it("fails the callers of a failed statement and no others", async () => {
    const { runs, run } = statements();
    const batcher = new Batcher(run, { maxBatch: 10, maxRunning: 2 });
    const failing = [1, 2].map((i) => batcher.submit(i));
    await turn();
    const passing = batcher.submit(3);
    await turn();
    runs[0]!.finish(new Error("the database is gone"));
    runs[1]!.finish();
    for (const f of failing) await expect(f).rejects.toThrow("the database is gone");
    expect(await passing).toBe(30);
  });

  it("fails every caller when the statement answers a wrong number of results", async () => {
    const batcher = new Batcher(async () => [1], { maxBatch: 10, maxRunning: 1 });
    const answers = [batcher.submit(1), batcher.submit(2)];
    for (const a of answers) await expect(a).rejects.toThrow("a statement of 2 items answered 1 results");
  });
});
