import { ownerOf, sealSigningSecrets } from "./sealed-secrets.js";
import { findOpened } from "./save-subscription.js";
import { rotateSigningSecrets } from "./signing-secrets.js";
import type { OpenedSubscription } from "./subscription-record.js";
import type { SubscriptionParts } from "./subscription-parts.js";
import { columnsOf, updateSubscription } from "./subscription.repository.js";

/**
 * Gives the subscription a new signing secret, returned this once. Requests are signed with the new
 * and the previous secret until the previous one expires, so a receiver can switch with no downtime.
 */
export async function rotateSecret(
  parts: SubscriptionParts,
  orgId: string,
  id: string,
  previousTtlSeconds: number,
): Promise<{ saved: OpenedSubscription; secret: string; previousExpiresAt: string | null }> {
  return parts.db.transaction().execute(async (trx) => {
    const current = await findOpened({ ...parts, db: trx }, orgId, id, true);
    const now = parts.now();
    const rotated = rotateSigningSecrets(current.signingSecrets, now, previousTtlSeconds);
    const columns = {
      ...columnsOf(current.row),
      signingSecrets: sealSigningSecrets(parts.keyring, ownerOf(orgId, id), rotated.secrets),
    };
    const row = await updateSubscription(trx, orgId, id, columns, now);
    const saved = { ...current, row: row!, signingSecrets: rotated.secrets };
    return { saved, secret: rotated.secret, previousExpiresAt: rotated.previousExpiresAt };
  });
}
