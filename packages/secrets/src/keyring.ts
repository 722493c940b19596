import { randomBytes } from "node:crypto";
import { err, ok, type Result } from "@switchboard/errors";

/**
 * The keys that protect secrets at rest. The first key encrypts; every key decrypts, so a new key
 * can be put first while ciphertexts made with older ones stay readable until re-encrypted.
 * Key bytes are kept out of the object itself so that logging or serialising a keyring shows ids only.
 */
export interface Keyring {
  /** Id of the key new ciphertexts are made with. */
  readonly primaryKid: string;
  /** Every key id, the primary first. */
  readonly kids: readonly string[];
}

export const KEY_BYTES = 32;
const KID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/_-]+={0,2}$/;
const FORMAT = "expected kid:base64key[,kid:base64key…] with 32-byte keys";

const keysOf = new WeakMap<Keyring, ReadonlyMap<string, Buffer>>();

/**
 * Reads `kid1:base64key,kid2:base64key`. Messages name the entry and never echo key material.
 * An absent or empty value is an error too: whether to generate a keyring is the caller's choice.
 */
export function parseKeyring(value: string | undefined): Result<Keyring, string> {
  if (value === undefined || value.trim() === "") return err(`no keys: ${FORMAT}`);
  const keys = new Map<string, Buffer>();
  const entries = value.split(",");
  for (const [index, raw] of entries.entries()) {
    const entry = parseEntry(raw.trim(), index + 1);
    if (!entry.ok) return entry;
    const [kid, key] = entry.value;
    if (keys.has(kid)) return err(`key id "${kid}" appears twice; each key needs its own id`);
    keys.set(kid, key);
  }
  const kids = [...keys.keys()];
  const keyring: Keyring = Object.freeze({ primaryKid: kids[0] as string, kids: Object.freeze(kids) });
  keysOf.set(keyring, keys);
  return ok(keyring);
}

function parseEntry(entry: string, position: number): Result<[string, Buffer], string> {
  const colon = entry.indexOf(":");
  if (entry === "") return err(`entry ${position} is empty; ${FORMAT}`);
  if (colon < 0) return err(`entry ${position} has no "kid:" prefix; ${FORMAT}`);
  const kid = entry.slice(0, colon);
  const encoded = entry.slice(colon + 1);
  if (!KID_PATTERN.test(kid)) {
    return err(`entry ${position}: key id "${kid}" must be 1 to 64 of [A-Za-z0-9_-]`);
  }
  if (!BASE64_PATTERN.test(encoded)) return err(`key "${kid}" is not base64`);
  const key = Buffer.from(encoded, "base64"); // Node's decoder takes the URL-safe alphabet as well
  if (key.length !== KEY_BYTES) {
    return err(
      `key "${kid}" is ${key.length} bytes; AES-256 needs ${KEY_BYTES} (e.g. openssl rand -base64 32)`,
    );
  }
  return ok([kid, key]);
}

/** A fresh `kid:base64key` entry, for a deployment that has to create its own keyring. */
export function generateKeyringEntry(): string {
  return `key-${randomBytes(4).toString("hex")}:${randomBytes(KEY_BYTES).toString("base64")}`;
}

/** The key bytes for a kid, or undefined. Internal: not part of the package's surface. */
export function keyOf(keyring: Keyring, kid: string): Buffer | undefined {
  return keysOf.get(keyring)?.get(kid);
}
