import type { SubscriptionSettings, SubscriptionStatus } from "../contracts.js";
import { publicAuth, type PublicAuth } from "./destination-auth.js";
import { settingsOf, statusOf, type OpenedSubscription } from "./subscription-record.js";
import { validSigningSecrets } from "./signing-secrets.js";

/** A subscription as the API shows it: no signing secret and no credential, ever. */
export interface SubscriptionView extends Omit<SubscriptionSettings, "auth">, SubscriptionStatus {
  id: string;
  auth: PublicAuth | null;
  /** When each previous signing secret stops signing; empty when no rotation is under way. */
  previousSecretsExpireAt: string[];
  createdAt: string;
  updatedAt: string;
}

export function toView(opened: OpenedSubscription, now: Date): SubscriptionView {
  const { row } = opened;
  return {
    id: row.id,
    ...settingsOf(opened),
    auth: publicAuth(opened.auth),
    ...statusOf(row),
    previousSecretsExpireAt: validSigningSecrets(opened.signingSecrets, now).flatMap((s) =>
      s.expiresAt === null ? [] : [s.expiresAt],
    ),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
