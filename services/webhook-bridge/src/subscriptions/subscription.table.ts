import type { Selectable } from "kysely";
import type { WebhookBridgeDB } from "../webhook-bridge.tables.js";

/** A row of `webhook_bridge.subscriptions` as the driver returns it. */
export type SubscriptionRow = Selectable<WebhookBridgeDB["subscriptions"]>;

export const SUBSCRIPTIONS = "subscriptions";

export const isoOrNull = (value: Date | string | null): string | null =>
  value === null ? null : new Date(value).toISOString();
