import { describe, expect, it } from "vitest";
import { ErrorCodes, SwitchboardError } from "@switchboard/errors";
import { StaleCache } from "./stale-cache.js";

/** A source answering from `answers` (undefined: it has nothing), counting questions; `down` makes it unreachable. */
function source(answers: Record<string, string | undefined>) {
  const state = {
    asked: [] as string[],
    down: false,
    failure: undefined as Error | undefined,
    hold: undefined as Promise<void> | undefined,
  };
  const load = async (key: string) => {
    state.asked.push(key);
    await state.hold;
    if (state.down) throw new SwitchboardError(ErrorCodes.Unavailable, "no responders");
    if (state.failure !== undefined) throw state.failure;
    return answers[key];
  };
  return { state, load };
}

function setUp(answers: Record<string, string | undefined>, misses?: { max: number }, max = 10) {
  let clock = 0;
  const { state, load } = source(answers);
  const cache = new StaleCache<string>({
    load,
    ttlMs: 1_000,
    staleMs: 10_000,
    max,
    misses,
    now: () => clock,
  });
  return { cache, state, advance: (ms: number) => (clock += ms) };
}

describe("StaleCache", () => {
  it("asks once within the TTL and again after it", async () => {
    const { cache, state, advance } = setUp({ a: "A" });
    expect([await cache.get("a"), await cache.get("a")]).toEqual(["A", "A"]);
    advance(1_000);
    expect(await cache.get("a")).toBe("A");
    expect(state.asked).toEqual(["a", "a"]);
  });

  it("shares one question between lookups of one key that arrive together", async () => {
    const { cache, state } = setUp({ a: "A" });
    let release!: () => void;
    state.hold = new Promise((resolve) => (release = resolve));
    const all = Promise.all([cache.get("a"), cache.get("a"), cache.get("a")]);
    release();
    expect(await all).toEqual(["A", "A", "A"]);
    expect(state.asked).toEqual(["a"]);
  });

  it("uses a stale answer while the source is unreachable, up to staleMs, and asks again each time", async () => {
    const { cache, state, advance } = setUp({ a: "A" });
    await cache.get("a");
    state.down = true;
    advance(5_000);
    expect(await cache.get("a")).toBe("A");
    expect(await cache.get("a")).toBe("A");
    expect(state.asked).toHaveLength(3);
    advance(5_000);
    await expect(cache.get("a")).rejects.toMatchObject({ code: ErrorCodes.Unavailable });
  });

  it("throws a failure of another kind even with a stale answer at hand", async () => {
    const { cache, state, advance } = setUp({ a: "A" });
    await cache.get("a");
    state.failure = new Error("bug");
    advance(1_000);
    await expect(cache.get("a")).rejects.toThrow("bug");
  });

  it("asks again every time about a key the source has nothing for, unless misses are kept", async () => {
    const forgetting = setUp({});
    expect([await forgetting.cache.get("x"), await forgetting.cache.get("x")]).toEqual([
      undefined,
      undefined,
    ]);
    expect(forgetting.state.asked).toHaveLength(2);
    const keeping = setUp({}, { max: 5 });
    expect([await keeping.cache.get("x"), await keeping.cache.get("x")]).toEqual([undefined, undefined]);
    expect(keeping.state.asked).toHaveLength(1);
  });

  it("keeps misses apart, so a flood of them pushes no value out, and never uses them stale", async () => {
    const answers: Record<string, string | undefined> = { a: "A" };
    const { cache, state, advance } = setUp(answers, { max: 5 }, 2);
    await cache.get("a");
    for (let i = 0; i < 100; i++) await cache.get(`nobody-${i}`);
    const asked = state.asked.length;
    expect(await cache.get("a")).toBe("A");
    expect(state.asked).toHaveLength(asked);
    await cache.get("nobody-99");
    advance(1_000);
    state.down = true;
    await expect(cache.get("nobody-99")).rejects.toMatchObject({ code: ErrorCodes.Unavailable });
  });

  it("forgets a value the source no longer has, so it is not used stale later", async () => {
    const answers: Record<string, string | undefined> = { a: "A" };
    const { cache, state, advance } = setUp(answers);
    await cache.get("a");
    delete answers["a"];
    advance(1_000);
    expect(await cache.get("a")).toBeUndefined();
    state.down = true;
    await expect(cache.get("a")).rejects.toMatchObject({ code: ErrorCodes.Unavailable });
  });

  it("does not keep an answer that arrives after its key was deleted", async () => {
    const answers: Record<string, string | undefined> = { a: "old" };
    const { cache, state } = setUp(answers);
    let release!: () => void;
    state.hold = new Promise((resolve) => (release = resolve));
    const early = cache.get("a");
    cache.deleteWhere((key) => key === "a");
    answers["a"] = "new";
    const late = cache.get("a");
    release();
    expect([await early, await late]).toEqual(["new", "new"]);
    state.hold = undefined;
    expect(await cache.get("a")).toBe("new");
    expect(state.asked).toEqual(["a", "a"]);
  });

  it("is bounded: the least recently used answer goes first", async () => {
    const { cache, state } = setUp({ a: "A", b: "B", c: "C" }, undefined, 2);
    for (const key of ["a", "b", "a", "c", "a", "b"]) await cache.get(key);
    expect(state.asked).toEqual(["a", "b", "c", "b"]);
  });
});
