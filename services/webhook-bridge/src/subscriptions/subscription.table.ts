/** A row of `webhook_bridge.subscriptions` as the driver returns it (see migrations.ts). */
export interface SubscriptionRow {
  id: string;
  org_id: string;
  url: string;
  description: string | null;
  event_types: string[];
  filter: unknown;
  mapping: Record<string, unknown> | null;
  /** Sealed JSON of the destination auth, or null. */
  auth: string | null;
  /** Sealed JSON of the signing secrets, newest first. */
  signing_secrets: string;
  retry_schedule: number[] | null;
  timeout_ms: number;
  rate_limit_per_second: number | null;
  ordered: boolean;
  enabled: boolean;
  disabled_reason: string | null;
  failing_since: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

export const SUBSCRIPTIONS = "subscriptions";

export const isoOrNull = (value: Date | string | null): string | null =>
  value === null ? null : new Date(value).toISOString();
