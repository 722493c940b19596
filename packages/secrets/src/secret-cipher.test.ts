import { describe, expect, it } from "vitest";
import { generateKeyringEntry, parseKeyring, type Keyring } from "./keyring.js";
import { decryptSecret, encryptDeterministic, encryptSecret } from "./secret-cipher.js";

function keyring(value: string): Keyring {
  const result = parseKeyring(value);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

const oldEntry = generateKeyringEntry();
const newEntry = generateKeyringEntry();

describe("encryptSecret / decryptSecret", () => {
  it("round-trips, with a fresh IV each time", () => {
    const ring = keyring(oldEntry);
    const a = encryptSecret(ring, "s3cr3t ünïcode", "hrh/sub-1");
    const b = encryptSecret(ring, "s3cr3t ünïcode", "hrh/sub-1");
    expect(a).not.toBe(b);
    expect(a).toMatch(new RegExp(`^v1\\.${ring.primaryKid}\\.[A-Za-z0-9_-]{16}\\.[A-Za-z0-9_-]+$`));
    expect(decryptSecret(ring, a, "hrh/sub-1")).toEqual({ ok: true, value: "s3cr3t ünïcode" });
    expect(decryptSecret(ring, encryptSecret(ring, ""))).toEqual({ ok: true, value: "" });
  });

  it("rotates: a new first key encrypts, the old one still decrypts", () => {
    const before = keyring(oldEntry);
    const stored = encryptSecret(before, "token", "hrh/sub-1");
    const after = keyring(`${newEntry},${oldEntry}`);
    expect(decryptSecret(after, stored, "hrh/sub-1")).toEqual({ ok: true, value: "token" });
    const fresh = encryptSecret(after, "token", "hrh/sub-1");
    expect(fresh.split(".")[1]).toBe(after.primaryKid);
    expect(decryptSecret(before, fresh, "hrh/sub-1")).toMatchObject({
      ok: false,
      error: { code: "unknown-key" },
    });
  });

  it("names an unknown key", () => {
    const stored = encryptSecret(keyring(oldEntry), "token");
    const result = decryptSecret(keyring(newEntry), stored);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error.message).toContain(`key "${oldEntry.split(":")[0]}" is not in the keyring`);
  });

  it("fails for another owner: a ciphertext copied to another row does not decrypt", () => {
    const ring = keyring(oldEntry);
    const stored = encryptSecret(ring, "token", "hrh/sub-1");
    expect(decryptSecret(ring, stored, "hrh/sub-2")).toMatchObject({ ok: false, error: { code: "corrupt" } });
    expect(decryptSecret(ring, stored)).toMatchObject({ ok: false, error: { code: "corrupt" } });
  });

  it("fails when any part is tampered with", () => {
    const ring = keyring(oldEntry);
    const stored = encryptSecret(ring, "token", "a");
    const [v, kid, iv, sealed] = stored.split(".") as [string, string, string, string];
    const flip = (text: string, at: number): string => {
      const bytes = Buffer.from(text, "base64url");
      bytes[at] = (bytes[at] ?? 0) ^ 1;
      return bytes.toString("base64url");
    };
    for (const tampered of [
      [v, kid, flip(iv, 0), sealed],
      [v, kid, iv, flip(sealed, 0)],
      [v, kid, iv, flip(sealed, Buffer.from(sealed, "base64url").length - 1)],
      [v, kid, iv, sealed.slice(0, 10)],
      ["v2", kid, iv, sealed],
      [v, kid, iv],
      [v, kid, "!!", sealed],
    ]) {
      expect(decryptSecret(ring, tampered.join("."), "a")).toMatchObject({
        ok: false,
        error: { code: "corrupt" },
      });
    }
    expect(decryptSecret(ring, "plain text", "a")).toMatchObject({ ok: false, error: { code: "corrupt" } });
  });
});

describe("encryptDeterministic", () => {
  it("gives one text per value and owner, which decrypts only for that owner", () => {
    const ring = keyring(oldEntry);
    const a = encryptDeterministic(ring, "4711", "poll-cursor/hrh");
    expect(encryptDeterministic(ring, "4711", "poll-cursor/hrh")).toBe(a);
    expect(encryptDeterministic(ring, "4712", "poll-cursor/hrh")).not.toBe(a);
    expect(encryptDeterministic(ring, "4711", "poll-cursor/nhs")).not.toBe(a);
    expect(a).not.toContain("4711");
    expect(decryptSecret(ring, a, "poll-cursor/hrh")).toEqual({ ok: true, value: "4711" });
    expect(decryptSecret(ring, a, "poll-cursor/nhs").ok).toBe(false);
    const otherRing = keyring(newEntry);
    expect(encryptDeterministic(otherRing, "4711", "poll-cursor/hrh")).not.toBe(a);
  });
});
