import { sql, type Kysely } from "kysely";
import { jsonRecords } from "@switchboard/db";
import type { Logger } from "@switchboard/logger";
import { createTokenBucket, type TokenBucket } from "@switchboard/rate-limit";
import { SCHEMA } from "../migrations.js";
import type { RulesEngineDB } from "../rules-engine.tables.js";

const KEEP = 100;
const SAMPLES = `${SCHEMA}.inbound_samples`;

export interface Sample {
  orgId: string;
  name: string;
  messageId: string;
  payload: unknown;
  valid: boolean;
  /** The message's time (when the stream stored it): what a dry run of the sample evaluates `now` at. */
  receivedAt?: Date | undefined;
}

/** An inbound event whose kept samples are due to be cut back to the last ones. */
interface SampleKey {
  orgId: string;
  name: string;
}

/**
 * Keeps the last messages of each inbound event, for dry runs against real traffic: the statement
 * that writes a batch's samples, to run with the claim of its messages (claimBatch's `alongside`),
 * so they cost neither a commit nor a round trip of their own. A SamplePruner cuts them back.
 */
export function insertingSamples(samples: readonly Sample[]) {
  if (samples.length === 0) return undefined;
  const rows = jsonRecords(
    SAMPLES,
    samples.map((s) => ({
      org_id: s.orgId,
      name: s.name,
      message_id: s.messageId,
      payload: s.payload,
      valid: s.valid,
      received_at: s.receivedAt ?? null,
    })),
  );
  return sql`insert into ${sql.table(SAMPLES)} (org_id, name, message_id, payload, valid, received_at)
    select org_id, name, message_id, coalesce(payload, 'null'::jsonb), valid, coalesce(received_at, now())
    from ${rows}`;
}

/**
 * How many samples of an event (valid and invalid ones counted apart) this process writes: up to
 * SAMPLE_BURST at once, then SAMPLES_PER_SECOND. An event that arrives less often keeps every
 * message; a busy one keeps a sample of its recent traffic (at 10 a second the last 100 cover ten
 * seconds) instead of writing and deleting a row for every message it gets.
 */
const SAMPLES_PER_SECOND = 10;
const SAMPLE_BURST = KEEP;

/** Decides which first deliveries leave a sample: a token bucket per event and validity. */
export class SampleRate {
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly options: { perSecond: number; burst: number } = {
      perSecond: SAMPLES_PER_SECOND,
      burst: SAMPLE_BURST,
    },
  ) {}

  /** True when this sample is to be written; counts it. */
  admits(sample: Pick<Sample, "orgId" | "name" | "valid">, nowMs: number = Date.now()): boolean {
    const key = `${sample.valid ? "v" : "i"}${sample.orgId}\u0000${sample.name}`;
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      // One bucket per declared event and validity: samples come only from declared events.
      bucket = createTokenBucket(this.options.perSecond, this.options.burst);
      this.#buckets.set(key, bucket);
    }
    return bucket.take(nowMs) === 0;
  }
}

/** Samples an event gets between two cuts: it holds at most KEEP + CUT_EVERY - 1 of them. */
const CUT_EVERY = 50;

/**
 * Cuts events' samples back to the last 100 once CUT_EVERY more were written, outside the
 * transactions that claim messages: inside them, batches running side by side waited for each
 * other's row locks on the same event's samples (the costliest statement of the whole path in
 * pg_stat_statements). One cut runs at a time; events that come due meanwhile are cut next. A
 * failure is logged: the next cut catches up. The counts are this process's: each replica cuts
 * after the samples it wrote.
 */
export class SamplePruner {
  readonly #due = new Map<string, SampleKey>();
  readonly #written = new Map<string, number>();
  #running: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<RulesEngineDB>,
    private readonly logger: Logger,
  ) {}

  /** Counts samples that were written (their transaction committed); cuts the events that came due. */
  written(samples: readonly Sample[]): void {
    for (const { orgId, name } of samples) {
      const key = JSON.stringify([orgId, name]);
      const n = (this.#written.get(key) ?? 0) + 1;
      if (n < CUT_EVERY) {
        this.#written.set(key, n);
        continue;
      }
      this.#written.delete(key);
      this.#due.set(key, { orgId, name });
    }
    if (this.#due.size > 0) this.#running ??= this.#drain().finally(() => (this.#running = undefined));
  }

  /** Settles when the cuts scheduled so far are done. */
  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  async #drain(): Promise<void> {
    while (this.#due.size > 0) {
      const keys = [...this.#due.values()];
      this.#due.clear();
      for (const { orgId, name } of keys) {
        try {
          await sql`
            delete from ${sql.table(SAMPLES)}
            where org_id = ${orgId} and name = ${name} and id <= (
              select id from ${sql.table(SAMPLES)}
              where org_id = ${orgId} and name = ${name}
              order by id desc offset ${KEEP} limit 1)`.execute(this.db);
        } catch (error) {
          this.logger.warn({ err: error, org: orgId, inbound: name }, "cutting back inbound samples failed");
        }
      }
    }
  }
}
