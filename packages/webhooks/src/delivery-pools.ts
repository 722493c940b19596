import { Pool, type Dispatcher } from "undici";
import { pinnedLookup } from "./pinned-lookup.js";

/**
 * Keep-alive connection pools for deliveries, one per origin and set of approved addresses. A pool
 * only ever connects to the addresses it was made for; when DNS answers differently the next
 * delivery gets a new pool, and the old one is closed once idle.
 */
export interface DeliveryPools {
  /** @internal Used by deliver: a dispatcher to use until release() is called. */
  acquire(origin: string, addresses: readonly string[]): { dispatcher: Dispatcher; release(): void };
  /** Closes every pool and its connections; call it when the deliverer stops. */
  close(): Promise<void>;
}

export interface DeliveryPoolsOptions {
  /** A pool unused for this long is closed at the next acquire. Default 60 s. */
  idleMs?: number;
  /** Idle pools beyond this many are closed, least recently used first. Default 1,000. */
  maxPools?: number;
}

type Entry = { pool: Pool; leases: number; lastUsed: number };

export function createDeliveryPools(opts: DeliveryPoolsOptions = {}): DeliveryPools {
  const idleMs = opts.idleMs ?? 60_000;
  const maxPools = opts.maxPools ?? 1_000;
  const entries = new Map<string, Entry>(); // insertion order = least recently used first

  const evict = (now: number): void => {
    let excess = entries.size - maxPools;
    for (const [key, entry] of entries) {
      if (entry.leases > 0) continue;
      if (now - entry.lastUsed < idleMs && excess <= 0) continue;
      entries.delete(key);
      excess -= 1;
      void entry.pool.destroy().catch(() => undefined);
    }
  };

  return {
    acquire(origin, addresses) {
      const now = Date.now();
      const key = `${origin} ${[...addresses].sort().join(",")}`;
      const pool = (): Pool => new Pool(origin, { connect: { lookup: pinnedLookup(addresses) } });
      const entry = entries.get(key) ?? { pool: pool(), leases: 0, lastUsed: now };
      entries.delete(key);
      entries.set(key, entry);
      entry.leases += 1;
      evict(now);
      let released = false;
      return {
        dispatcher: entry.pool,
        release: () => {
          if (released) return;
          released = true;
          entry.leases -= 1;
          entry.lastUsed = Date.now();
        },
      };
    },
    async close() {
      const pools = [...entries.values()].map((e) => e.pool);
      entries.clear();
      await Promise.all(pools.map((pool) => pool.destroy().catch(() => undefined)));
    },
  };
}
