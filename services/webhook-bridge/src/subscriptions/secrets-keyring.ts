import { ConfigError } from "@switchboard/errors";
import { parseKeyring, type Keyring } from "@switchboard/secrets";

export const KEYRING_VARIABLE = "SWITCHBOARD_SECRETS_KEYRING";

/**
 * The keyring that seals destination credentials and signing secrets. Read once when the service is
 * built: without it no subscription could be saved or delivered, so the process must not start.
 * The all-in-one runner fills the value in from its data dir; a distributed deployment sets it.
 */
export function loadSecretsKeyring(value: string | undefined): Keyring {
  const parsed = parseKeyring(value);
  if (!parsed.ok) throw new ConfigError(KEYRING_VARIABLE, parsed.error);
  return parsed.value;
}
