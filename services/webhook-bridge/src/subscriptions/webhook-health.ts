import { sql } from "kysely";
import { SCHEMA } from "../migrations.js";
import { listSubscriptions } from "./subscription.repository.js";
import type { SubscriptionParts } from "./subscription-parts.js";

const DAY_MS = 86_400_000;

/** How one subscription is doing: from its delivery log (kept for the retention period) and its consumer. */
export interface WebhookHealth {
  id: string;
  url: string;
  enabled: boolean;
  /** The last delivered attempt, null when none is in the log. */
  lastSuccessAt: string | null;
  /** The last attempt that was not delivered (retried, refused, gone, exhausted). */
  lastFailureAt: string | null;
  attempts24h: number;
  delivered24h: number;
  /** delivered24h / attempts24h; null without attempts in the last 24 hours. */
  successRate24h: number | null;
  /** Events waiting for the endpoint: pending in its consumer plus delivered but not yet acked; null when unknown. */
  backlog: number | null;
}

interface Figures {
  subscription_id: string;
  last_success: Date | null;
  last_failure: Date | null;
  attempts: string | number;
  delivered: string | number;
}

const iso = (at: Date | null) => (at === null ? null : new Date(at).toISOString());

/** The health of each of an org's subscriptions, in their list order. */
export async function webhookHealth(parts: SubscriptionParts, orgId: string): Promise<WebhookHealth[]> {
  const since = new Date(parts.now().getTime() - DAY_MS);
  const [subscriptions, rows] = await Promise.all([
    listSubscriptions(parts.db, orgId),
    parts.db
      .withSchema(SCHEMA)
      .selectFrom("delivery_attempts")
      .select([
        "subscription_id",
        sql<Date | null>`max(created_at) filter (where outcome = 'delivered')`.as("last_success"),
        sql<Date | null>`max(created_at) filter (where outcome <> 'delivered')`.as("last_failure"),
        sql<string>`count(*) filter (where created_at >= ${since})`.as("attempts"),
        sql<string>`count(*) filter (where created_at >= ${since} and outcome = 'delivered')`.as("delivered"),
      ])
      .where("org_id", "=", orgId)
      .groupBy("subscription_id")
      .execute() as Promise<Figures[]>,
  ]);
  const figures = new Map(rows.map((row) => [row.subscription_id, row]));
  return Promise.all(
    subscriptions.map(async (s) => {
      const f = figures.get(s.id);
      const attempts = Number(f?.attempts ?? 0);
      const delivered = Number(f?.delivered ?? 0);
      return {
        id: s.id,
        url: s.url,
        enabled: s.enabled,
        lastSuccessAt: iso(f?.last_success ?? null),
        lastFailureAt: iso(f?.last_failure ?? null),
        attempts24h: attempts,
        delivered24h: delivered,
        successRate24h: attempts === 0 ? null : delivered / attempts,
        backlog: parts.backlog === undefined ? null : await parts.backlog(s.id),
      };
    }),
  );
}
