import type { Kysely } from "kysely";
import { NotFoundError } from "@switchboard/errors";
import type { Keyring } from "@switchboard/secrets";
import type {
  DestinationAuth,
  SubscriptionRecord,
  SubscriptionSettings,
  SubscriptionStatus,
} from "../contracts.js";
import { openAuth, openSigningSecrets, ownerOf } from "./sealed-secrets.js";
import { validSigningSecrets, type SigningSecret } from "./signing-secrets.js";
import { columnsOf, findSubscription, listEnabledRows } from "./subscription.repository.js";
import { isoOrNull, type SubscriptionRow } from "./subscription.table.js";
import type { WebhookBridgeDB } from "../webhook-bridge.tables.js";

/** A row with its sealed values opened. Never leaves the service: it holds every secret. */
export interface OpenedSubscription {
  row: SubscriptionRow;
  auth: DestinationAuth | null;
  signingSecrets: SigningSecret[];
}

export function openSubscription(keyring: Keyring, row: SubscriptionRow): OpenedSubscription {
  const owner = ownerOf(row.org_id, row.id);
  return {
    row,
    auth: openAuth(keyring, owner, row.auth),
    signingSecrets: openSigningSecrets(keyring, owner, row.signing_secrets),
  };
}

/** The settings a row holds, its auth opened: what the record, the view and a patch start from. */
export function settingsOf(opened: OpenedSubscription): SubscriptionSettings {
  const { signingSecrets, enabled, disabledReason, failingSince, ...settings } = columnsOf(opened.row);
  return { ...settings, auth: opened.auth };
}

export function statusOf(row: SubscriptionRow): SubscriptionStatus {
  return {
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    failingSince: isoOrNull(row.failing_since),
  };
}

export function toRecord(opened: OpenedSubscription, now: Date): SubscriptionRecord {
  const { row } = opened;
  return {
    id: row.id,
    orgId: row.org_id,
    ...settingsOf(opened),
    signingSecrets: validSigningSecrets(opened.signingSecrets, now).map((s) => s.secret),
    ...statusOf(row),
  };
}

/**
 * One subscription as the delivery side needs it, secrets decrypted; the signing secrets are those
 * valid at `now`. Another org's subscription is not found, like a missing one.
 */
export async function loadSubscription(
  db: Kysely<WebhookBridgeDB>,
  keyring: Keyring,
  orgId: string,
  id: string,
  now: Date = new Date(),
): Promise<SubscriptionRecord> {
  const row = await findSubscription(db, orgId, id);
  if (row === undefined) throw new NotFoundError(`webhook subscription ${id} does not exist`);
  return toRecord(openSubscription(keyring, row), now);
}

/**
 * Every enabled subscription of every org, for the delivery side's start and resyncs. A row whose
 * secrets do not open (a key dropped from the keyring, tampering) throws, unless `onUnreadable` is
 * given: then it is reported there and left out, so one broken row does not stop every other
 * subscription's deliveries.
 */
export async function listEnabledSubscriptions(
  db: Kysely<WebhookBridgeDB>,
  keyring: Keyring,
  now: Date = new Date(),
  onUnreadable?: (subscriptionId: string, error: unknown) => void,
): Promise<SubscriptionRecord[]> {
  const rows = await listEnabledRows(db);
  return rows.flatMap((row) => {
    try {
      return [toRecord(openSubscription(keyring, row), now)];
    } catch (error) {
      if (onUnreadable === undefined) throw error;
      onUnreadable(row.id, error);
      return [];
    }
  });
}
