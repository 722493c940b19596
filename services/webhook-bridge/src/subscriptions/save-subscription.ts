import { randomBytes } from "node:crypto";
import type { Infer } from "@switchboard/contracts";
import { NotFoundError } from "@switchboard/errors";
import { sealAuth, sealSigningSecrets, ownerOf } from "./sealed-secrets.js";
import { freshSigningSecrets } from "./signing-secrets.js";
import { openSubscription, settingsOf, type OpenedSubscription } from "./subscription-record.js";
import type { SubscriptionSettings } from "../contracts.js";
import { checkSettings, type SettingsInput } from "./subscription-settings.js";
import type { SubscriptionParts } from "./subscription-parts.js";
import {
  columnsOf,
  findSubscription,
  insertSubscription,
  updateSubscription,
  type SubscriptionColumns,
} from "./subscription.repository.js";
import type { patchBody } from "./webhooks.schemas.js";

/** `wh_` and 32 hex digits: also the name of the subscription's JetStream durable, so only [a-z0-9_]. */
export const newSubscriptionId = (): string => `wh_${randomBytes(16).toString("hex")}`;

export type SubscriptionPatch = Infer<typeof patchBody>;

/** Creates an enabled subscription with a new signing secret, which is returned this once. */
export async function createSubscription(
  parts: SubscriptionParts,
  orgId: string,
  input: SettingsInput,
): Promise<{ saved: OpenedSubscription; secret: string }> {
  const settings = await checkSettings(input, undefined, parts);
  const id = newSubscriptionId();
  const signingSecrets = freshSigningSecrets();
  const owner = ownerOf(orgId, id);
  const columns: SubscriptionColumns = {
    ...settings,
    auth: sealAuth(parts.keyring, owner, settings.auth),
    signingSecrets: sealSigningSecrets(parts.keyring, owner, signingSecrets),
    enabled: true,
    disabledReason: null,
    failingSince: null,
  };
  const row = await insertSubscription(parts.db, orgId, id, columns, parts.now());
  return { saved: { row, auth: settings.auth, signingSecrets }, secret: signingSecrets[0]!.secret };
}

/**
 * Changes the settings a patch names and keeps the others. Enabling a disabled subscription clears
 * why it was disabled and its failing clock, so it gets a fresh start; disabling records who did it.
 */
export async function updateSubscriptionSettings(
  parts: SubscriptionParts,
  who: { orgId: string; requestedBy: string },
  id: string,
  patch: SubscriptionPatch,
): Promise<OpenedSubscription> {
  // Checked before the row is locked: the URL check may wait on DNS.
  const before = await findOpened(parts, who.orgId, id, false);
  const checked = await checkSettings(patch, settingsOf(before), parts);
  return parts.db.transaction().execute(async (trx) => {
    const current = await findOpened({ ...parts, db: trx }, who.orgId, id, true);
    const settings = { ...settingsOf(current), ...pickGiven(checked, patch) };
    const owner = ownerOf(who.orgId, id);
    const columns: SubscriptionColumns = {
      ...columnsOf(current.row),
      ...settings,
      auth: sealAuth(parts.keyring, owner, settings.auth),
      ...enabledColumns(current, patch.enabled, who.requestedBy),
    };
    const row = await updateSubscription(trx, who.orgId, id, columns, parts.now());
    return { row: row!, auth: settings.auth, signingSecrets: current.signingSecrets };
  });
}

export async function findOpened(
  parts: Pick<SubscriptionParts, "db" | "keyring">,
  orgId: string,
  id: string,
  lock: boolean,
): Promise<OpenedSubscription> {
  const row = await findSubscription(parts.db, orgId, id, { lock });
  if (row === undefined) throw new NotFoundError(`webhook subscription ${id} does not exist`);
  return openSubscription(parts.keyring, row);
}

function pickGiven(checked: SubscriptionSettings, patch: SubscriptionPatch): Partial<SubscriptionSettings> {
  const keys = (Object.keys(checked) as (keyof SubscriptionSettings)[]).filter((k) =>
    Object.hasOwn(patch, k),
  );
  return Object.fromEntries(keys.map((k) => [k, checked[k]]));
}

function enabledColumns(current: OpenedSubscription, enabled: boolean | undefined, requestedBy: string) {
  const { row } = current;
  if (enabled === undefined || enabled === row.enabled) return {};
  return enabled
    ? { enabled: true, disabledReason: null, failingSince: null }
    : { enabled: false, disabledReason: `disabled by ${requestedBy}` };
}
