import { randomBytes } from "node:crypto";
import { ValidationError, err, ok, type Result } from "@switchboard/errors";

export const SECRET_PREFIX = "whsec_";
const MIN_BYTES = 24;
const MAX_BYTES = 64;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A new Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. */
export function generateSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString("base64")}`;
}

/** For save time (a secret a user brings): `whsec_` and base64 of 24 to 64 bytes. */
export function validateSigningSecret(secret: string): Result<string, string> {
  const key = decode(secret);
  if (key === undefined) return err(`a signing secret is "${SECRET_PREFIX}" followed by base64`);
  if (key.length < MIN_BYTES || key.length > MAX_BYTES) {
    return err(`a signing secret holds ${MIN_BYTES} to ${MAX_BYTES} bytes, not ${key.length}`);
  }
  return ok(secret);
}

/** The HMAC key in a secret. A malformed secret is a bug upstream (secrets are checked on save). */
export function signingKey(secret: string): Buffer {
  const key = decode(secret);
  if (key === undefined || key.length === 0) {
    throw new ValidationError(`signing secret is not "${SECRET_PREFIX}" followed by base64`);
  }
  return key;
}

function decode(secret: string): Buffer | undefined {
  if (!secret.startsWith(SECRET_PREFIX)) return undefined;
  const encoded = secret.slice(SECRET_PREFIX.length);
  return BASE64.test(encoded) ? Buffer.from(encoded, "base64") : undefined;
}
