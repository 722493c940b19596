import { describe, expect, it } from "vitest";
import { KeyRateLimiter } from "./rate-limiter.js";

function limiter(ratePerSecond: number, burst: number) {
  let now = 1_000_000;
  const l = new KeyRateLimiter({ ratePerSecond, burst, nowMs: () => now });
  return { l, advance: (ms: number) => (now += ms) };
}

describe("per-key token bucket", () => {
  it("lets a burst through, then refuses with the seconds until a token is back", () => {
    const { l, advance } = limiter(2, 4);
    for (let i = 0; i < 4; i++) expect(l.take("k")).toEqual({ allowed: true });
    expect(l.take("k")).toEqual({ allowed: false, retryAfterSeconds: 1 });
    advance(499);
    expect(l.take("k").allowed).toBe(false);
    advance(1);
    expect(l.take("k")).toEqual({ allowed: true });
  });

  it("keeps keys apart", () => {
    const { l } = limiter(1, 2);
    expect(l.take("a").allowed && l.take("a").allowed).toBe(true);
    expect(l.take("a").allowed).toBe(false);
    expect(l.take("b").allowed).toBe(true);
  });

  it("refills to the burst and no further", () => {
    const { l, advance } = limiter(10, 20);
    expect(l.take("k", 20).allowed).toBe(true);
    advance(60_000);
    expect(l.take("k", 20).allowed).toBe(true);
    expect(l.take("k").allowed).toBe(false);
  });

  it("lets a batch larger than the burst through once, and the key then pays it back", () => {
    const { l, advance } = limiter(10, 20);
    expect(l.take("k", 100)).toEqual({ allowed: true }); // 20 - 100 = -80
    expect(l.take("k")).toEqual({ allowed: false, retryAfterSeconds: 9 }); // 81 tokens at 10/s
    advance(8_000);
    expect(l.take("k").allowed).toBe(false);
    advance(1_000);
    expect(l.take("k").allowed).toBe(true);
  });

  it("a refused request costs nothing", () => {
    const { l, advance } = limiter(1, 1);
    expect(l.take("k").allowed).toBe(true);
    for (let i = 0; i < 5; i++) expect(l.take("k").allowed).toBe(false);
    advance(1_000);
    expect(l.take("k").allowed).toBe(true);
  });

  it("forgets refilled buckets when many keys come by", () => {
    let now = 0;
    const l = new KeyRateLimiter({ ratePerSecond: 1, burst: 1, nowMs: () => now, maxKeys: 2 });
    expect(l.take("a").allowed && l.take("b").allowed).toBe(true);
    now += 1_000;
    expect(l.take("c").allowed).toBe(true); // a and b were full again: swept
    expect(l.take("a").allowed).toBe(true);
  });

  it("refuses a rate that is not positive", () => {
    expect(() => new KeyRateLimiter({ ratePerSecond: 0, burst: 1 })).toThrow(RangeError);
  });
});
