import { describe, expect, it } from "vitest";
import { SwitchboardError } from "@switchboard/errors";
import { DefinitionCache, type DeclaredSchema } from "./definition-cache.js";

const declared = (version: number, schema: Record<string, unknown> = { type: "object" }): DeclaredSchema => ({
  name: "scheduling.slotBooked",
  version,
  schema,
  updatedAt: `2026-11-21T10:00:0${version}.000Z`,
});

function setUp(answers: (() => Promise<DeclaredSchema | null>)[]) {
  let now = 0;
  const calls: string[] = [];
  let compiled = 0;
  const cache = new DefinitionCache({
    fetch: (orgId, name) => {
      calls.push(`${orgId}/${name}`);
      const next = answers.shift();
      if (next === undefined) throw new Error("no answer left");
      return next();
    },
    compile: () => {
      compiled++;
      return () => ({ ok: true, value: undefined });
    },
    ttlMs: 30_000,
    staleMs: 600_000,
    nowMs: () => now,
  });
  return { cache, calls, advance: (ms: number) => (now += ms), compiledCount: () => compiled };
}

describe("declared schemas, cached per org and name", () => {
  it("asks once within the TTL, again after it, and compiles a version only once", async () => {
    const { cache, calls, advance, compiledCount } = setUp([
      async () => declared(1),
      async () => declared(1),
      async () => declared(2),
    ]);
    expect((await cache.get("hrh", "scheduling.slotBooked"))?.version).toBe(1);
    expect((await cache.get("hrh", "scheduling.slotBooked"))?.version).toBe(1);
    expect(calls).toHaveLength(1);
    advance(30_000);
    expect((await cache.get("hrh", "scheduling.slotBooked"))?.version).toBe(1);
    expect(compiledCount()).toBe(1);
    advance(30_000);
    expect((await cache.get("hrh", "scheduling.slotBooked"))?.version).toBe(2);
    expect(compiledCount()).toBe(2);
    expect(calls).toHaveLength(3);
  });

  it("remembers 'not declared' too, until the org changes", async () => {
    const { cache, calls } = setUp([async () => null, async () => declared(1)]);
    expect(await cache.get("hrh", "x")).toBeUndefined();
    expect(await cache.get("hrh", "x")).toBeUndefined();
    expect(calls).toHaveLength(1);
    cache.dropOrg("hrh");
    expect((await cache.get("hrh", "x"))?.version).toBe(1);
  });

  it("drops one org and leaves the others", async () => {
    const { cache, calls } = setUp([
      async () => declared(1),
      async () => declared(1),
      async () => declared(2),
    ]);
    await cache.get("a", "n");
    await cache.get("b", "n");
    cache.dropOrg("a");
    await cache.get("b", "n");
    expect((await cache.get("a", "n"))?.version).toBe(2);
    expect(calls).toEqual(["a/n", "b/n", "a/n"]);
  });

  it("shares one fetch between concurrent misses", async () => {
    let release!: (d: DeclaredSchema) => void;
    const { cache, calls } = setUp([() => new Promise((resolve) => (release = resolve))]);
    const both = Promise.all([cache.get("hrh", "n"), cache.get("hrh", "n")]);
    release(declared(1));
    expect((await both).map((d) => d?.version)).toEqual([1, 1]);
    expect(calls).toHaveLength(1);
  });

  it("does not store an answer fetched before a change notice, and asks again after it", async () => {
    let release!: (d: DeclaredSchema | null) => void;
    const { cache, calls } = setUp([
      () => new Promise((resolve) => (release = resolve)),
      async () => declared(2),
    ]);
    const early = cache.get("hrh", "n");
    cache.dropOrg("hrh"); // the definition changed while the first answer was on its way
    const late = cache.get("hrh", "n");
    release(null);
    expect(await early).toBeUndefined();
    expect((await late)?.version).toBe(2);
    expect((await cache.get("hrh", "n"))?.version).toBe(2);
    expect(calls).toHaveLength(2);
  });

  it("uses a stale answer while the rules engine cannot be reached, but not a failure of another kind", async () => {
    const unavailable = new SwitchboardError("SB_ERR_UNAVAILABLE", "no responders");
    const { cache, advance } = setUp([
      async () => declared(1),
      async () => Promise.reject(unavailable),
      async () => Promise.reject(new SwitchboardError("SB_ERR_INTERNAL", "bug")),
      async () => Promise.reject(unavailable),
    ]);
    await cache.get("hrh", "n");
    advance(31_000);
    expect((await cache.get("hrh", "n"))?.version).toBe(1);
    await expect(cache.get("hrh", "n")).rejects.toThrow("bug");
    advance(600_000);
    await expect(cache.get("hrh", "n")).rejects.toBe(unavailable); // too old to stand in
  });

  it("compiles with the declared schema for real by default", async () => {
    const cache = new DefinitionCache({
      fetch: async () =>
        declared(1, {
          type: "object",
          properties: { start: { type: "string", format: "date-time" } },
          required: ["start"],
        }),
    });
    const declaration = await cache.get("hrh", "n");
    expect(declaration?.validate({ start: "2026-11-21T10:00:00Z" })).toEqual({ ok: true, value: undefined });
    expect(declaration?.validate({ start: "soon" })).toEqual({
      ok: false,
      error: [{ path: "/start", message: 'must match format "date-time"', keyword: "format" }],
    });
  });
});
