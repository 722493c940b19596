import { describe, expect, it } from "vitest";
import { RateLimits } from "./rate-limits.js";

describe("RateLimits", () => {
  it("spaces sends of a limited subscription, and lets an unlimited one through", async () => {
    const limits = new RateLimits();
    const signal = new AbortController().signal;
    const limited = { id: "wh_1", rateLimitPerSecond: 10 };
    const started = performance.now();
    for (let i = 0; i < 12; i++) expect(await limits.acquire(limited, signal)).toBe(true);
    // 10 as a burst, the 11th and 12th a tenth of a second apart.
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    expect(await limits.acquire({ id: "wh_2", rateLimitPerSecond: null }, signal)).toBe(true);
  });

  it("ends a wait when the engine stops", async () => {
    const limits = new RateLimits();
    const stop = new AbortController();
    const sub = { id: "wh_1", rateLimitPerSecond: 1 };
    expect(await limits.acquire(sub, stop.signal)).toBe(true);
    const waiting = limits.acquire(sub, stop.signal);
    stop.abort();
    expect(await waiting).toBe(false);
  });
});
