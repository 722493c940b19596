import { sql, type Kysely } from "kysely";
import type { Migration } from "./migrate-schema.js";

/**
 * Health counts: how often something of an org (an inbound event, a credential: the `item`)
 * succeeded and failed, per hour, and when it last did. Two tables in the owning service's schema:
 * the hourly counts, pruned by that service, and the latest times, kept as long as it likes.
 */
export interface HealthTables {
  schema: string;
  /** `(org_id, item, hour, succeeded, failed)`. */
  hours: string;
  /** `(org_id, item, last_success_at, last_failure_at, last_failure_reason)`. */
  latest: string;
}

/** What happened to one item in one hour (`hour`: its start, in ms). */
export interface HealthCount {
  orgId: string;
  item: string;
  hour: number;
  succeeded: number;
  failed: number;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  lastFailureReason: string | null;
}

/** An item's figures: the counts since a time, its latest times. */
export interface HealthFiguresRow {
  succeeded: number;
  failed: number;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  lastFailureReason: string | null;
}

export const HOUR_MS = 3_600_000;

export const hourOf = (ms: number): number => Math.floor(ms / HOUR_MS) * HOUR_MS;

/** Nothing counted yet for an item, in the hour of `at` (ms). */
export function noCount(orgId: string, item: string, at: number): HealthCount {
  return {
    orgId,
    item,
    hour: hourOf(at),
    succeeded: 0,
    failed: 0,
    lastSuccessAt: null,
    lastFailureAt: null,
    lastFailureReason: null,
  };
}

export function healthTablesMigration(tables: HealthTables): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable(tables.hours)
        .addColumn("org_id", "text", (c) => c.notNull())
        .addColumn("item", "text", (c) => c.notNull())
        .addColumn("hour", "timestamptz", (c) => c.notNull())
        .addColumn("succeeded", "integer", (c) => c.notNull())
        .addColumn("failed", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint(`${tables.hours}_pk`, ["org_id", "item", "hour"])
        .execute();
      await db.schema.createIndex(`${tables.hours}_hour`).on(tables.hours).column("hour").execute();
      await db.schema
        .createTable(tables.latest)
        .addColumn("org_id", "text", (c) => c.notNull())
        .addColumn("item", "text", (c) => c.notNull())
        .addColumn("last_success_at", "timestamptz")
        .addColumn("last_failure_at", "timestamptz")
        .addColumn("last_failure_reason", "text")
        .addPrimaryKeyConstraint(`${tables.latest}_pk`, ["org_id", "item"])
        .execute();
    },
  };
}

const table = (tables: HealthTables, name: "hours" | "latest") =>
  sql.table(`${tables.schema}.${tables[name]}`);

/**
 * Adds counts up, in one statement: the hourly counts and the latest times, rows in key order (two
 * writers never wait for each other in a cycle).
 */
export async function writeHealthCounts(
  db: Kysely<any>,
  tables: HealthTables,
  counts: readonly HealthCount[],
): Promise<void> {
  const rows = mergeHealthCounts(counts);
  if (rows.length === 0) return;
  const at = (ms: number | null) => (ms === null ? null : new Date(ms));
  await sql`with tally (org_id, item, hour, succeeded, failed, last_success_at, last_failure_at, last_failure_reason) as (
      values ${sql.join(
        rows.map(
          (t) =>
            sql`(${t.orgId}::text, ${t.item}::text, ${new Date(t.hour)}::timestamptz, ${t.succeeded}::int,
              ${t.failed}::int, ${at(t.lastSuccessAt)}::timestamptz, ${at(t.lastFailureAt)}::timestamptz,
              ${t.lastFailureReason}::text)`,
        ),
      )}
    ), hours as (
      insert into ${table(tables, "hours")} as h (org_id, item, hour, succeeded, failed)
      select org_id, item, hour, succeeded, failed from tally
      on conflict (org_id, item, hour)
      do update set succeeded = h.succeeded + excluded.succeeded, failed = h.failed + excluded.failed
    )
    insert into ${table(tables, "latest")} as l (org_id, item, last_success_at, last_failure_at, last_failure_reason)
    select org_id, item, max(last_success_at), max(last_failure_at),
      (array_agg(last_failure_reason order by last_failure_at desc nulls last))[1]
    from tally group by org_id, item
    on conflict (org_id, item) do update set
      last_success_at = greatest(l.last_success_at, excluded.last_success_at),
      last_failure_at = greatest(l.last_failure_at, excluded.last_failure_at),
      last_failure_reason = case
        when excluded.last_failure_at >= coalesce(l.last_failure_at, '-infinity') then excluded.last_failure_reason
        else l.last_failure_reason end`.execute(db);
}

/** Counts as one row per org, item and hour, in key order. */
export function mergeHealthCounts(counts: readonly HealthCount[]): HealthCount[] {
  const rows = new Map<string, HealthCount>();
  for (const c of counts) {
    const key = `${c.orgId}\n${c.item}\n${c.hour}`;
    const row = rows.get(key);
    if (row === undefined) {
      rows.set(key, { ...c });
      continue;
    }
    row.succeeded += c.succeeded;
    row.failed += c.failed;
    if (c.lastSuccessAt !== null && (row.lastSuccessAt === null || c.lastSuccessAt > row.lastSuccessAt))
      row.lastSuccessAt = c.lastSuccessAt;
    if (c.lastFailureAt !== null && (row.lastFailureAt === null || c.lastFailureAt >= row.lastFailureAt)) {
      row.lastFailureAt = c.lastFailureAt;
      row.lastFailureReason = c.lastFailureReason;
    }
  }
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

interface FiguresRow {
  item: string;
  succeeded: string | number | null;
  failed: string | number | null;
  last_success_at: Date | null;
  last_failure_at: Date | null;
  last_failure_reason: string | null;
}

/**
 * An org's items' figures, by item: the counts of the last 24 hours (the 24 hourly counts up to
 * `now`'s: the current hour and the 23 before it), and the latest times.
 */
export async function readHealthFigures(
  db: Kysely<any>,
  tables: HealthTables,
  orgId: string,
  now: Date,
): Promise<Map<string, HealthFiguresRow>> {
  const since = new Date(hourOf(now.getTime()) - 23 * HOUR_MS);
  const { rows } = await sql<FiguresRow>`
    select coalesce(l.item, h.item) as item, h.succeeded, h.failed,
      l.last_success_at, l.last_failure_at, l.last_failure_reason
    from (select item, sum(succeeded) as succeeded, sum(failed) as failed from ${table(tables, "hours")}
          where org_id = ${orgId} and hour >= ${since} group by item) h
    full join (select * from ${table(tables, "latest")} where org_id = ${orgId}) l on l.item = h.item`.execute(
    db,
  );
  return new Map(
    rows.map((r) => [
      r.item,
      {
        succeeded: Number(r.succeeded ?? 0),
        failed: Number(r.failed ?? 0),
        lastSuccessAt: r.last_success_at,
        lastFailureAt: r.last_failure_at,
        lastFailureReason: r.last_failure_reason,
      },
    ]),
  );
}

/** Drops hourly counts older than `before`; the latest times stay. */
export async function deleteHealthHoursBefore(
  db: Kysely<any>,
  tables: HealthTables,
  before: Date,
): Promise<number> {
  const result = await sql`delete from ${table(tables, "hours")} where hour < ${before}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
