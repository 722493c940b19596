import type { Kysely } from "kysely";
import type { SchemaRegistry } from "@switchboard/events";
import type { Keyring } from "@switchboard/secrets";
import type { Resolve } from "@switchboard/webhooks";
import type { WebhookBridgeDB } from "../webhook-bridge.tables.js";

/** What the subscriptions API's use cases work with. */
export interface SubscriptionParts {
  db: Kysely<WebhookBridgeDB>;
  keyring: Keyring;
  now: () => Date;
  /** Hosts and CIDRs webhooks may reach although private. */
  allowlist: readonly string[];
  /** Host name resolution for the destination check; the system resolver when absent. */
  resolve?: Resolve;
  /** System event schemas, to check sample events. */
  schemas: SchemaRegistry;
  /** Events waiting in a subscription's consumer (pending and unacked); null when it has none. */
  backlog?: (subscriptionId: string) => Promise<number | null>;
}
