import { ConfigError, ErrorCodes, SwitchboardError } from "@switchboard/errors";
import { decryptSecret, encryptSecret, type Keyring } from "@switchboard/secrets";
import type { DestinationAuth } from "../contracts.js";
import { KEYRING_VARIABLE } from "./secrets-keyring.js";
import type { SigningSecret } from "./signing-secrets.js";

/**
 * The additional data every sealed value of a subscription is bound to: a ciphertext copied onto
 * another subscription's row, or another org's, does not open there.
 */
export const ownerOf = (orgId: string, subscriptionId: string): string => `${orgId}/${subscriptionId}`;

export function sealAuth(keyring: Keyring, owner: string, auth: DestinationAuth | null): string | null {
  return auth === null ? null : encryptSecret(keyring, JSON.stringify(auth), owner);
}

export function openAuth(keyring: Keyring, owner: string, sealed: string | null): DestinationAuth | null {
  return sealed === null ? null : (JSON.parse(open(keyring, owner, sealed)) as DestinationAuth);
}

export function sealSigningSecrets(
  keyring: Keyring,
  owner: string,
  secrets: readonly SigningSecret[],
): string {
  return encryptSecret(keyring, JSON.stringify(secrets), owner);
}

export function openSigningSecrets(keyring: Keyring, owner: string, sealed: string): SigningSecret[] {
  return JSON.parse(open(keyring, owner, sealed)) as SigningSecret[];
}

/** A value that does not open is an operator's problem (a key dropped from the keyring) or tampering. */
function open(keyring: Keyring, owner: string, sealed: string): string {
  const opened = decryptSecret(keyring, sealed, owner);
  if (opened.ok) return opened.value;
  const message = `the secrets of subscription ${owner} cannot be decrypted: ${opened.error.message}`;
  if (opened.error.code === "unknown-key") throw new ConfigError(KEYRING_VARIABLE, message);
  throw new SwitchboardError(ErrorCodes.Internal, message);
}
