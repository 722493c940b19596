import { generateSigningSecret } from "@switchboard/webhooks";

/** One signing secret of a subscription; `expiresAt` null: the current one, valid until rotated. */
export interface SigningSecret {
  secret: string;
  expiresAt: string | null;
}

/** Previous secrets kept at once: enough for a rotation during a rotation, bounded so a loop cannot grow it. */
export const MAX_SIGNING_SECRETS = 5;

export const DEFAULT_PREVIOUS_SECRET_TTL_SECONDS = 86_400;
export const MAX_PREVIOUS_SECRET_TTL_SECONDS = 30 * 86_400;

export function freshSigningSecrets(): SigningSecret[] {
  return [{ secret: generateSigningSecret(), expiresAt: null }];
}

/** The secrets that still sign at `now`, newest first. */
export function validSigningSecrets(secrets: readonly SigningSecret[], now: Date): SigningSecret[] {
  return secrets.filter((s) => s.expiresAt === null || Date.parse(s.expiresAt) > now.getTime());
}

/**
 * A new secret signs first; the current one keeps signing until `now + ttl`, so a receiver can
 * switch to the new secret at its own pace and accept either meanwhile. Earlier previous secrets
 * keep their own expiry, and expired ones are dropped.
 */
export function rotateSigningSecrets(
  secrets: readonly SigningSecret[],
  now: Date,
  previousTtlSeconds: number,
): { secrets: SigningSecret[]; secret: string; previousExpiresAt: string | null } {
  const secret = generateSigningSecret();
  const until = new Date(now.getTime() + previousTtlSeconds * 1000).toISOString();
  const previous = validSigningSecrets(secrets, now)
    .map((s) => (s.expiresAt === null ? { secret: s.secret, expiresAt: until } : s))
    .filter((s) => Date.parse(s.expiresAt!) > now.getTime());
  return {
    secret,
    secrets: [{ secret, expiresAt: null }, ...previous].slice(0, MAX_SIGNING_SECRETS),
    previousExpiresAt: previousTtlSeconds > 0 ? until : null,
  };
}
