import { createHmac, timingSafeEqual } from "node:crypto";
import { ValidationError } from "@switchboard/errors";
import { signingKey } from "./signing-secret.js";

/** Request headers as a server sees them (names in any case): webhook-id, -timestamp, -signature. */
export type SignedHeaders = Readonly<Record<string, string | string[] | undefined>>;

export interface VerifyOptions {
  /** How far webhook-timestamp may be from now, either way. Default 300 s, as the spec suggests. */
  toleranceSec?: number;
  /** The current time in seconds since the epoch, the unit of webhook-timestamp. */
  now?: number;
}

/** `v1,` and the base64 HMAC-SHA256 of `${msgId}.${timestamp}.${body}` (Standard Webhooks). */
export function sign(secret: string, msgId: string, timestamp: number, body: string): string {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new ValidationError(`timestamp must be whole seconds since the epoch, not ${timestamp}`);
  }
  return `v1,${hmac(keyOf(secret), msgId, timestamp, body).toString("base64")}`;
}

/** Secrets whose HMAC keys are kept decoded; past this, the oldest is decoded again when next used. */
const MAX_KEPT_KEYS = 1_000;
const keys = new Map<string, Buffer>();

/** The secret's HMAC key, decoded once rather than for every request it signs. */
function keyOf(secret: string): Buffer {
  let key = keys.get(secret);
  if (key === undefined) {
    key = signingKey(secret);
    keys.set(secret, key);
    if (keys.size > MAX_KEPT_KEYS) keys.delete(keys.keys().next().value as string);
  }
  return key;
}

/** One signature per secret, space-separated: during rotation both the old and new secret sign. */
export function signatureHeader(
  secrets: readonly string[],
  msgId: string,
  timestamp: number,
  body: string,
): string {
  if (secrets.length === 0) throw new ValidationError("at least one signing secret is needed");
  return secrets.map((secret) => sign(secret, msgId, timestamp, body)).join(" ");
}

/**
 * Receiver-side check, for tests and documentation: any `v1` signature in the header made with
 * `secret`, and a timestamp within the tolerance. Compares in constant time.
 */
export function verify(
  secret: string,
  headers: SignedHeaders,
  body: string,
  opts: VerifyOptions = {},
): boolean {
  const msgId = header(headers, "webhook-id");
  const timestampText = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (msgId === undefined || timestampText === undefined || signatures === undefined) return false;
  if (!/^\d{1,15}$/.test(timestampText)) return false;
  const timestamp = Number(timestampText);
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (opts.toleranceSec ?? 300)) return false;
  const expected = hmac(signingKey(secret), msgId, timestamp, body);
  let matched = false;
  for (const candidate of signatures.split(" ")) {
    const [version, encoded] = candidate.split(",", 2);
    if (version !== "v1" || encoded === undefined) continue;
    const given = Buffer.from(encoded, "base64");
    // Every candidate is compared, so the time taken does not say which one matched.
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched;
}

function hmac(key: Buffer, msgId: string, timestamp: number, body: string): Buffer {
  return createHmac("sha256", key).update(`${msgId}.${timestamp}.${body}`, "utf8").digest();
}

function header(headers: SignedHeaders, name: string): string | undefined {
  const key = name in headers ? name : Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}
