import { describe, expect, it } from "vitest";
import { createTokenBucket } from "./index.js";

describe("createTokenBucket", () => {
  it("allows a burst, then one per interval, saying how long to wait", () => {
    const limiter = createTokenBucket(2, 2);
    expect([limiter.take(0), limiter.take(0)]).toEqual([0, 0]);
    expect(limiter.take(0)).toBe(500);
    expect(limiter.take(100)).toBe(400); // asking again takes nothing
    expect(limiter.take(500)).toBe(0);
    expect(limiter.take(500)).toBe(500);
    expect(limiter.take(1_000)).toBe(0);
  });

  it("refills up to the burst only", () => {
    const limiter = createTokenBucket(10, 3);
    expect([0, 0, 0, 0].map(() => limiter.take(0))).toEqual([0, 0, 0, 100]);
    expect([0, 0, 0, 0].map(() => limiter.take(60_000))).toEqual([0, 0, 0, 100]);
  });

  it("defaults the burst to one second's worth, and at least 1", () => {
    const five = createTokenBucket(5);
    expect([1, 2, 3, 4, 5, 6].map(() => five.take(0))).toEqual([0, 0, 0, 0, 0, 200]);
    const slow = createTokenBucket(0.5);
    expect([slow.take(0), slow.take(0), slow.take(1_999), slow.take(2_000)]).toEqual([0, 2_000, 1, 0]);
  });

  it("lets a caller that waits the returned time through", () => {
    const limiter = createTokenBucket(3, 1);
    let now = 0;
    for (let i = 0; i < 20; i += 1) {
      expect(limiter.take(now)).toBe(0);
      now += limiter.take(now);
    }
  });

  it("does not drain the bucket when the clock steps back", () => {
    const limiter = createTokenBucket(1, 2);
    limiter.take(10_000);
    expect(limiter.take(5_000)).toBe(0);
    expect(limiter.take(5_000)).toBe(1_000);
  });

  it("refuses a rate or burst that cannot work", () => {
    expect(() => createTokenBucket(0)).toThrow(/positive number/);
    expect(() => createTokenBucket(Number.NaN)).toThrow(/positive number/);
    expect(() => createTokenBucket(5, 0.5)).toThrow(/at least 1/);
  });

  it("takes a cost of several tokens, and lets a cost above the burst through once, paid back after", () => {
    const bucket = createTokenBucket(10, 20);
    expect(bucket.take(0, 100)).toBe(0); // 20 - 100 = -80
    expect(bucket.take(0)).toBe(8_100); // 81 tokens at 10/s
    expect(bucket.take(8_100, 5)).toBe(400);
    expect(bucket.take(8_500, 5)).toBe(0);
  });

  it("says when it has refilled", () => {
    const bucket = createTokenBucket(1, 2);
    expect(bucket.isFull(0)).toBe(true);
    bucket.take(0);
    expect(bucket.isFull(999)).toBe(false);
    expect(bucket.isFull(1_000)).toBe(true);
  });
});
