import { sql, type Kysely } from "kysely";
import type { SubscriptionSettings, SubscriptionStatus } from "../contracts.js";
import { SCHEMA } from "../migrations.js";
import { SUBSCRIPTIONS, type SubscriptionRow } from "./subscription.table.js";
import type { WebhookBridgeDB } from "../webhook-bridge.tables.js";

/** Every column a save writes; secrets already sealed. */
export interface SubscriptionColumns
  extends Omit<SubscriptionSettings, "auth">, Omit<SubscriptionStatus, "failingSince"> {
  /** Sealed. */
  auth: string | null;
  /** Sealed. */
  signingSecrets: string;
  failingSince: Date | string | null;
}

const json = (value: unknown): string | null =>
  value === null || value === undefined ? null : JSON.stringify(value);

function toValues(c: SubscriptionColumns) {
  return {
    url: c.url,
    description: c.description,
    event_types: JSON.stringify(c.eventTypes),
    filter: json(c.filter),
    mapping: json(c.mapping),
    auth: c.auth,
    signing_secrets: c.signingSecrets,
    retry_schedule: json(c.retrySchedule),
    timeout_ms: c.timeoutMs,
    rate_limit_per_second: c.rateLimitPerSecond,
    ordered: c.ordered,
    enabled: c.enabled,
    disabled_reason: c.disabledReason,
    failing_since: c.failingSince,
  };
}

export function columnsOf(row: SubscriptionRow): SubscriptionColumns {
  return {
    url: row.url,
    description: row.description,
    eventTypes: row.event_types,
    filter: row.filter,
    mapping: row.mapping,
    auth: row.auth,
    signingSecrets: row.signing_secrets,
    retrySchedule: row.retry_schedule,
    timeoutMs: row.timeout_ms,
    rateLimitPerSecond: row.rate_limit_per_second,
    ordered: row.ordered,
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    failingSince: row.failing_since,
  };
}

const table = (db: Kysely<WebhookBridgeDB>) => db.withSchema(SCHEMA);

export async function insertSubscription(
  db: Kysely<WebhookBridgeDB>,
  orgId: string,
  id: string,
  columns: SubscriptionColumns,
  now: Date,
): Promise<SubscriptionRow> {
  const row = await table(db)
    .insertInto(SUBSCRIPTIONS)
    .values({ id, org_id: orgId, ...toValues(columns), created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  return row;
}

export async function updateSubscription(
  db: Kysely<WebhookBridgeDB>,
  orgId: string,
  id: string,
  columns: SubscriptionColumns,
  now: Date,
): Promise<SubscriptionRow | undefined> {
  const row = await table(db)
    .updateTable(SUBSCRIPTIONS)
    .set({ ...toValues(columns), updated_at: now })
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  return row;
}

export async function deleteSubscription(
  db: Kysely<WebhookBridgeDB>,
  orgId: string,
  id: string,
): Promise<boolean> {
  const deleted = await table(db)
    .deleteFrom(SUBSCRIPTIONS)
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .executeTakeFirst();
  return deleted.numDeletedRows > 0n;
}

/** `lock`: hold the row until the transaction ends, so a read-modify-write does not lose a concurrent one. */
export async function findSubscription(
  db: Kysely<WebhookBridgeDB>,
  orgId: string,
  id: string,
  options: { lock?: boolean } = {},
): Promise<SubscriptionRow | undefined> {
  let q = table(db).selectFrom(SUBSCRIPTIONS).selectAll().where("org_id", "=", orgId).where("id", "=", id);
  if (options.lock === true) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function listSubscriptions(
  db: Kysely<WebhookBridgeDB>,
  orgId: string,
): Promise<SubscriptionRow[]> {
  return table(db)
    .selectFrom(SUBSCRIPTIONS)
    .selectAll()
    .where("org_id", "=", orgId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

export async function listEnabledRows(db: Kysely<WebhookBridgeDB>): Promise<SubscriptionRow[]> {
  return table(db)
    .selectFrom(SUBSCRIPTIONS)
    .selectAll()
    .where("enabled", "=", true)
    .orderBy("org_id")
    .orderBy("id")
    .execute();
}

/**
 * Records a failed delivery. Only the first failure since the last success counts: the answer is
 * when the endpoint started failing (null if the subscription is gone), which the delivery side
 * compares with its disable-after period.
 */
export async function markFailing(
  db: Kysely<WebhookBridgeDB>,
  id: string,
  since: Date,
): Promise<Date | null> {
  const row = await table(db)
    .updateTable(SUBSCRIPTIONS)
    .set({ failing_since: sql`coalesce(failing_since, ${since})` })
    .where("id", "=", id)
    .returning("failing_since")
    .executeTakeFirst();
  const value = row?.failing_since ?? null;
  return value === null ? null : new Date(value);
}

/** A delivery succeeded: the endpoint is no longer failing. Writes only when it was. */
export async function markSucceeded(db: Kysely<WebhookBridgeDB>, id: string): Promise<void> {
  await table(db)
    .updateTable(SUBSCRIPTIONS)
    .set({ failing_since: null })
    .where("id", "=", id)
    .where("failing_since", "is not", null)
    .execute();
}

/**
 * Disables an enabled subscription with the reason a user will read (e.g. the endpoint answered 410).
 * True only for the call that disabled it, so the caller announces it once across replicas.
 */
export async function disableSubscription(
  db: Kysely<WebhookBridgeDB>,
  id: string,
  reason: string,
  now: Date = new Date(),
): Promise<boolean> {
  const changed = await table(db)
    .updateTable(SUBSCRIPTIONS)
    .set({ enabled: false, disabled_reason: reason, updated_at: now })
    .where("id", "=", id)
    .where("enabled", "=", true)
    .executeTakeFirst();
  return changed.numUpdatedRows > 0n;
}
