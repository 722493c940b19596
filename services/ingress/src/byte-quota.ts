import type { KV } from "@nats-io/kv";
import type { Logger } from "@switchboard/logger";

/** Where the replicas add up what each org put on the bus, per UTC day. */
export interface UsageStore {
  /** Adds `bytes` to the org's day and answers the day's total, every replica's included. */
  add(orgId: string, day: string, bytes: number): Promise<number>;
}

export type QuotaDecision =
  { allowed: true } | { allowed: false; usedBytes: number; retryAfterSeconds: number; resetsAt: string };

export interface ByteQuotaOptions {
  /** Bytes an org may put on the bus per UTC day. */
  bytesPerDay: number;
  store: UsageStore;
  logger: Logger;
  /** How often this replica adds its counts to the store and learns the others'. */
  flushMs?: number;
  now?: () => Date;
}

type OrgUsage = {
  day: string;
  /** The day's total at the last flush, all replicas together. */
  known: number;
  /** Charged here since, not yet in the store. */
  pending: number;
  /** Being added to the store right now. */
  flushing: number;
  /** When this replica last charged the org, in ms. */
  chargedAt: number;
};

/** An org charged within this long is kept up to date with the other replicas' counts. */
const ACTIVE_MS = 60_000;

const MAX_ORGS = 100_000;

/**
 * A daily byte quota per org, shared by every ingress replica. Each replica decides at once from
 * what it knows (the store's total at its last flush plus what it charged since) and adds its counts
 * to the store every `flushMs`, so the replicas together overshoot by at most what they take in one
 * flush interval. While the store cannot be reached a replica goes on counting on its own and adds
 * its counts when it can: nothing charged is forgotten, nothing is refused for the store's sake.
 */
export class ByteQuota {
  readonly #options: ByteQuotaOptions;
  readonly #now: () => Date;
  readonly #orgs = new Map<string, OrgUsage>();
  readonly #loading = new Map<string, Promise<OrgUsage>>();
  readonly #timer: NodeJS.Timeout;
  #flushing: Promise<void> | undefined;
  #today = { day: "", startsMs: 0, endsMs: 0 };

  constructor(options: ByteQuotaOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
    this.#timer = setInterval(() => void this.flush(), options.flushMs ?? 1_000);
    this.#timer.unref();
  }

  get bytesPerDay(): number {
    return this.#options.bytesPerDay;
  }

  /**
   * Charges `bytes` to the org's day, or refuses them when they would pass the quota. The first
   * charge of an org's day on this replica asks the store for the day's total first.
   */
  async charge(orgId: string, bytes: number): Promise<QuotaDecision> {
    const at = this.#now();
    // Known orgs are decided without waiting: this runs for every event.
    const known = this.#usage(orgId, this.#dayOf(at));
    const usage = known instanceof Promise ? await known : known;
    const used = usage.known + usage.pending + usage.flushing;
    if (used + bytes > this.#options.bytesPerDay) {
      const resetsAt = nextUtcMidnight(at);
      return {
        allowed: false,
        usedBytes: used,
        retryAfterSeconds: Math.max(1, Math.ceil((resetsAt.getTime() - at.getTime()) / 1000)),
        resetsAt: resetsAt.toISOString(),
      };
    }
    usage.pending += bytes;
    usage.chargedAt = at.getTime();
    return { allowed: true };
  }

  /** Gives back a charge whose event was not stored after all. */
  refund(orgId: string, bytes: number): void {
    const usage = this.#orgs.get(orgId);
    if (usage !== undefined && usage.day === utcDay(this.#now())) {
      usage.pending = Math.max(0, usage.pending - bytes);
    }
  }

  /** Adds this replica's counts to the store; at most one flush at a time. */
  flush(): Promise<void> {
    this.#flushing ??= this.#flushAll().finally(() => (this.#flushing = undefined));
    return this.#flushing;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }

  async #flushAll(): Promise<void> {
    const now = this.#now();
    const today = utcDay(now);
    for (const [orgId, usage] of this.#orgs) {
      if (usage.day !== today) {
        this.#orgs.delete(orgId); // yesterday's counts: their day is over
        continue;
      }
      // With nothing to add, an active org still learns what the other replicas took.
      if (usage.pending === 0 && now.getTime() - usage.chargedAt > ACTIVE_MS) continue;
      const bytes = usage.pending;
      usage.pending = 0;
      usage.flushing = bytes;
      try {
        usage.known = await this.#options.store.add(orgId, usage.day, bytes);
      } catch (error) {
        usage.pending += bytes;
        this.#options.logger.warn(
          { err: error, orgId },
          "adding an org's inbound bytes to the shared count failed; counting on here and trying again",
        );
        return; // the store is away: the other orgs would fail alike
      } finally {
        usage.flushing = 0;
      }
    }
  }

  #usage(orgId: string, day: string): OrgUsage | Promise<OrgUsage> {
    const usage = this.#orgs.get(orgId);
    if (usage !== undefined && usage.day === day) return usage;
    let loading = this.#loading.get(orgId);
    if (loading === undefined) {
      loading = this.#load(orgId, day).finally(() => this.#loading.delete(orgId));
      this.#loading.set(orgId, loading);
    }
    return loading;
  }

  /** The UTC day of `at`, worked out once per day rather than once per event. */
  #dayOf(at: Date): string {
    const ms = at.getTime();
    if (ms < this.#today.startsMs || ms >= this.#today.endsMs) {
      const startsMs = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
      this.#today = { day: utcDay(at), startsMs, endsMs: nextUtcMidnight(at).getTime() };
    }
    return this.#today.day;
  }

  async #load(orgId: string, day: string): Promise<OrgUsage> {
    let known = 0;
    try {
      known = await this.#options.store.add(orgId, day, 0);
    } catch (error) {
      this.#options.logger.warn(
        { err: error, orgId },
        "reading an org's inbound bytes from the shared count failed; counting from here",
      );
    }
    if (this.#orgs.size >= MAX_ORGS) this.#dropSettled();
    const usage: OrgUsage = { day, known, pending: 0, flushing: 0, chargedAt: 0 };
    this.#orgs.set(orgId, usage);
    return usage;
  }

  /** Forgets orgs with nothing waiting to be added: their totals are in the store. */
  #dropSettled(): void {
    for (const [orgId, usage] of this.#orgs) {
      if (usage.pending === 0 && usage.flushing === 0) this.#orgs.delete(orgId);
    }
  }
}

/** The org's daily totals in a NATS key-value bucket: key `<org>.<yyyy-mm-dd>`, updated by compare-and-set. */
export function kvUsageStore(kv: KV): UsageStore {
  return {
    async add(orgId, day, bytes) {
      const key = `${orgId}.${day}`;
      for (let attempt = 0; ; attempt++) {
        const entry = await kv.get(key);
        const current = entry === null || entry.operation !== "PUT" ? undefined : Number(entry.string());
        if (bytes === 0) return current ?? 0;
        const total = (current ?? 0) + bytes;
        try {
          if (entry === null) await kv.create(key, String(total));
          else await kv.update(key, String(total), entry.revision);
          return total;
        } catch (error) {
          // Another replica wrote first: read again and add to its total.
          if (attempt >= 20 || !isWrongRevision(error)) throw error;
        }
      }
    },
  };
}

function isWrongRevision(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /wrong last sequence|key exists/i.test(message);
}

function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

function nextUtcMidnight(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1));
}
