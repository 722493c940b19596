import { sql, type Kysely } from "kysely";
import type { Logger } from "@switchboard/logger";
import { SCHEMA } from "../migrations.js";
import type { RulesEngineDB } from "../rules-engine.tables.js";

const KEEP = 100;

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
export interface SampleKey {
  orgId: string;
  name: string;
}

/**
 * Keeps the last messages of each inbound event, for dry runs against real traffic. A batch's
 * samples are one statement in the transaction that claims its messages, so they cost no commit of
 * their own. Returns the events whose samples are due to be cut back (one whose id passed a multiple
 * of 25): that is done after the commit, by a SamplePruner.
 */
export async function saveSamples(
  db: Kysely<RulesEngineDB>,
  samples: readonly Sample[],
): Promise<SampleKey[]> {
  if (samples.length === 0) return [];
  const saved = await db
    .withSchema(SCHEMA)
    .insertInto("inbound_samples")
    .values(
      samples.map((s) => ({
        org_id: s.orgId,
        name: s.name,
        message_id: s.messageId,
        payload: JSON.stringify(s.payload),
        valid: s.valid,
        ...(s.receivedAt === undefined ? {} : { received_at: s.receivedAt }),
      })),
    )
    .returning(["id", "org_id", "name"])
    .execute();
  const due = new Map<string, SampleKey>();
  for (const row of saved)
    if (Number(row.id) % 25 === 0)
      due.set(JSON.stringify([row.org_id, row.name]), { orgId: row.org_id, name: row.name });
  return [...due.values()];
}

/**
 * Cuts events' samples back to the last 100, outside the transactions that claim messages: inside
 * them, batches running side by side waited for each other's row locks on the same event's samples
 * (the costliest statement of the whole path in pg_stat_statements). One cut runs at a time; events
 * that come due meanwhile are cut next. A failure is logged: the next cut catches up.
 */
export class SamplePruner {
  readonly #due = new Map<string, SampleKey>();
  #running: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<RulesEngineDB>,
    private readonly logger: Logger,
  ) {}

  schedule(keys: readonly SampleKey[]): void {
    for (const key of keys) this.#due.set(JSON.stringify([key.orgId, key.name]), key);
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
            delete from ${sql.table(`${SCHEMA}.inbound_samples`)}
            where org_id = ${orgId} and name = ${name} and id <= (
              select id from ${sql.table(`${SCHEMA}.inbound_samples`)}
              where org_id = ${orgId} and name = ${name}
              order by id desc offset ${KEEP} limit 1)`.execute(this.db);
        } catch (error) {
          this.logger.warn({ err: error, org: orgId, inbound: name }, "cutting back inbound samples failed");
        }
      }
    }
  }
}
