import type { Infer } from "@switchboard/contracts";
import { publicAuth } from "./destination-auth.js";
import { settingsOf, statusOf, type OpenedSubscription } from "./subscription-record.js";
import { validSigningSecrets } from "./signing-secrets.js";
import type { subscriptionView } from "./webhooks.schemas.js";

/** A subscription as the API shows it (its reply schema): no signing secret and no credential, ever. */
export type SubscriptionView = Infer<typeof subscriptionView>;

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
