import { describe, expect, it } from "vitest";
import { CoalescedRuns } from "./coalesced-runs.js";

describe("CoalescedRuns", () => {
  it("folds requests made during a run into one more run, per key", async () => {
    const runs: string[] = [];
    const runner = new CoalescedRuns(() => undefined);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const work = (key: string) => async () => {
      runs.push(key);
      if (runs.length === 1) await gate;
    };
    const first = runner.request("a", work("a"));
    void runner.request("a", work("a"));
    void runner.request("a", work("a"));
    void runner.request("b", work("b"));
    release();
    await first;
    await runner.idle();
    expect(runs.filter((k) => k === "a")).toHaveLength(2);
    expect(runs.filter((k) => k === "b")).toHaveLength(1);
  });

  it("reports a failed run and keeps going", async () => {
    const errors: unknown[] = [];
    const runner = new CoalescedRuns((error) => errors.push(error));
    await runner.request("a", async () => {
      throw new Error("nope");
    });
    let ran = false;
    await runner.request("a", async () => {
      ran = true;
    });
    expect(errors).toHaveLength(1);
    expect(ran).toBe(true);
  });
});
