import { Kvm, type KV } from "@nats-io/kv";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { createLogger } from "@switchboard/logger";
import { startNatsServer, waitFor, type NatsServer } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ByteQuota, kvUsageStore, type UsageStore } from "./byte-quota.js";

const logger = createLogger({ level: "silent" });

describe("ByteQuota over a NATS key-value bucket", () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let bucket = 0;
  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.close();
  });

  const freshStore = async (): Promise<{ kv: KV; store: UsageStore }> => {
    const kv = await new Kvm(nc).create(`usage${++bucket}`, { history: 1 });
    return { kv, store: kvUsageStore(kv) };
  };
  // A long flush interval: the tests flush when they mean to.
  const replica = (store: UsageStore, bytesPerDay: number, now?: () => Date) =>
    new ByteQuota({ bytesPerDay, store, logger, flushMs: 3_600_000, ...(now ? { now } : {}) });

  it("adds up every replica's charges; a replica refuses once the total leaves no room", async () => {
    const { store } = await freshStore();
    const a = replica(store, 1_000);
    const b = replica(store, 1_000);
    expect(await a.charge("hrh", 600)).toEqual({ allowed: true });
    await a.flush();
    // b has not charged hrh today: it reads the total before its first decision.
    expect(await b.charge("hrh", 500)).toMatchObject({ allowed: false, usedBytes: 600 });
    expect(await b.charge("hrh", 300)).toEqual({ allowed: true });
    await b.flush();
    await a.flush(); // a learns what b took
    expect(await a.charge("hrh", 200)).toMatchObject({ allowed: false, usedBytes: 900 });
    expect(await a.charge("nhs", 900)).toEqual({ allowed: true }); // each org has its own
    await a.stop();
    await b.stop();
  });

  it("loses no count when replicas add at the same moment", async () => {
    const { kv, store } = await freshStore();
    const totals = await Promise.all(Array.from({ length: 10 }, () => store.add("hrh", "2026-12-02", 100)));
    expect(Math.max(...totals)).toBe(1_000);
    expect(Number((await kv.get("hrh.2026-12-02"))?.string())).toBe(1_000);
  });

  it("gives back a refunded charge, and starts again at 00:00 UTC, saying when in Retry-After", async () => {
    const { store } = await freshStore();
    let now = new Date("2026-12-02T23:59:00Z");
    const quota = replica(store, 1_000, () => now);
    expect(await quota.charge("hrh", 900)).toEqual({ allowed: true });
    quota.refund("hrh", 400);
    expect(await quota.charge("hrh", 400)).toEqual({ allowed: true });
    expect(await quota.charge("hrh", 200)).toEqual({
      allowed: false,
      usedBytes: 900,
      retryAfterSeconds: 60,
      resetsAt: "2026-12-03T00:00:00.000Z",
    });
    await quota.flush();
    now = new Date("2026-12-03T00:00:01Z");
    expect(await quota.charge("hrh", 900)).toEqual({ allowed: true });
    await quota.stop();
  });

  it("counts on its own while the bucket cannot be reached, and adds the count when it can", async () => {
    const { kv, store } = await freshStore();
    const quota = replica(store, 1_000);
    const day = new Date().toISOString().slice(0, 10);
    expect(await quota.charge("hrh", 100)).toEqual({ allowed: true });
    await server.stop();
    expect(await quota.charge("hrh", 700)).toEqual({ allowed: true });
    await quota.flush(); // fails: kept for later
    expect(await quota.charge("hrh", 300)).toMatchObject({ allowed: false, usedBytes: 800 });
    await server.restart();
    await waitFor(async () => {
      await quota.flush(); // the client may still be reconnecting: a failed flush keeps the count
      return Number((await kv.get(`hrh.${day}`))?.string()) === 800;
    });
    await quota.stop();
  });
});
