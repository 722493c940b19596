import { createHash, randomBytes } from "node:crypto";

/** A new key: the id is public (listed, revoked by), the token is the secret shown once. */
export function generateApiKey(): { id: string; token: string } {
  return {
    id: `key_${randomBytes(8).toString("hex")}`,
    token: `sbk_${randomBytes(32).toString("base64url")}`,
  };
}

/**
 * Keys are 256-bit random, so a plain SHA-256 is a safe one-way store (no need for a slow hash);
 * only the hash crosses NATS when a process asks who a key belongs to.
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
