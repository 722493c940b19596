import { sql } from "kysely";
import { healthFigures, type WebhookHealth } from "@switchboard/contracts";
import { SCHEMA } from "../migrations.js";
import { listSubscriptions } from "./subscription.repository.js";
import type { SubscriptionParts } from "./subscription-parts.js";

const DAY_MS = 86_400_000;

interface Figures {
  subscription_id: string;
  last_success: Date | null;
  last_failure: Date | null;
  attempts: string | number;
  delivered: string | number;
}

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
      const delivered = Number(f?.delivered ?? 0);
      const counts = {
        succeeded: delivered,
        // Every attempt that was not delivered failed (retried, refused, gone, exhausted).
        failed: Number(f?.attempts ?? 0) - delivered,
        lastSuccessAt: f?.last_success ?? null,
        lastFailureAt: f?.last_failure ?? null,
      };
      const backlog = parts.backlog === undefined ? null : await parts.backlog(s.id);
      return {
        id: s.id,
        url: s.url,
        enabled: s.enabled,
        delivered24h: delivered,
        ...healthFigures(counts, backlog),
      };
    }),
  );
}
