import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import { ValidationError, err, ok, type Result } from "@switchboard/errors";
import { keyOf, type Keyring } from "./keyring.js";

export type DecryptProblem = { code: "unknown-key" | "corrupt"; message: string };

const VERSION = "v1";
const IV_BYTES = 12; // the size GCM is specified for; other sizes get hashed into one
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * AES-256-GCM with the keyring's primary key: `v1.<kid>.<iv>.<ciphertext+tag>`, base64url parts.
 * `aad` binds the ciphertext to its owner (e.g. `org/subscriptionId`): the same string must be
 * given to decrypt, so a ciphertext copied onto another row does not decrypt there.
 */
export function encryptSecret(keyring: Keyring, plaintext: string, aad?: string): string {
  return seal(keyring, plaintext, aad, () => randomBytes(IV_BYTES));
}

/**
 * The same, deterministic: the IV is an HMAC of the owner and the plaintext, under a key derived
 * from the cipher key (the synthetic-IV construction), so one value for one owner always gives the
 * same text. For tokens handed out again and compared (a poll cursor), never for secrets, where
 * equal plaintexts must not show. decryptSecret reverses it.
 */
export function encryptDeterministic(keyring: Keyring, plaintext: string, aad: string): string {
  return seal(keyring, plaintext, aad, (key) =>
    createHmac("sha256", createHmac("sha256", key).update("switchboard/siv").digest())
      .update(aad, "utf8")
      .update("\u0000")
      .update(plaintext, "utf8")
      .digest()
      .subarray(0, IV_BYTES),
  );
}

function seal(
  keyring: Keyring,
  plaintext: string,
  aad: string | undefined,
  ivOf: (key: Buffer) => Buffer,
): string {
  const kid = keyring.primaryKid;
  const key = keyOf(keyring, kid);
  if (key === undefined) throw new ValidationError("keyring was not made by parseKeyring");
  const iv = ivOf(key);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  if (aad !== undefined) cipher.setAAD(Buffer.from(aad, "utf8"));
  const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return [VERSION, kid, iv.toString("base64url"), sealed.toString("base64url")].join(".");
}

/** Reverses encryptSecret with whichever keyring key made the ciphertext. */
export function decryptSecret(
  keyring: Keyring,
  ciphertext: string,
  aad?: string,
): Result<string, DecryptProblem> {
  const parts = ciphertext.split(".");
  const [version, kid, ivText, sealedText] = parts;
  if (
    parts.length !== 4 ||
    version !== VERSION ||
    kid === undefined ||
    ivText === undefined ||
    sealedText === undefined
  ) {
    return corrupt(`not a ${VERSION} secret (expected ${VERSION}.<kid>.<iv>.<ciphertext>)`);
  }
  const key = keyOf(keyring, kid);
  if (key === undefined) {
    return err({
      code: "unknown-key",
      message: `key "${kid}" is not in the keyring; add it back to decrypt`,
    });
  }
  if (!BASE64URL.test(ivText) || !BASE64URL.test(sealedText)) return corrupt("a part is not base64url");
  const iv = Buffer.from(ivText, "base64url");
  const sealed = Buffer.from(sealedText, "base64url");
  if (iv.length !== IV_BYTES || sealed.length < TAG_BYTES) return corrupt("a part has the wrong length");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    if (aad !== undefined) decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const plain = Buffer.concat([
      decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return ok(plain.toString("utf8"));
  } catch {
    // GCM cannot tell a tampered ciphertext from a wrong owner (aad): both fail authentication.
    return corrupt("authentication failed: tampered, or decrypted for another owner than it was made for");
  }
}

function corrupt(message: string): { ok: false; error: DecryptProblem } {
  return err({ code: "corrupt", message });
}
