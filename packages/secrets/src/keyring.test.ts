import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateKeyringEntry, parseKeyring } from "./keyring.js";

const key = (): string => randomBytes(32).toString("base64");

describe("parseKeyring", () => {
  it("reads entries in order, the first being the key that encrypts", () => {
    const result = parseKeyring(` new:${key()} , old:${key()}`);
    expect(result.ok && result.value).toEqual({ primaryKid: "new", kids: ["new", "old"] });
  });

  it("accepts base64url keys and keys without padding", () => {
    const bytes = randomBytes(32);
    expect(parseKeyring(`a:${bytes.toString("base64url")}`).ok).toBe(true);
    expect(parseKeyring(`a:${bytes.toString("base64").replace(/=+$/, "")}`).ok).toBe(true);
  });

  it("keeps key bytes out of what a logger would print", () => {
    const secret = key();
    const result = parseKeyring(`k1:${secret}`);
    expect(result.ok).toBe(true);
    if (result.ok) expect(JSON.stringify(result.value)).not.toContain(secret.slice(0, 10));
  });

  it.each([
    [undefined, /no keys/],
    ["  ", /no keys/],
    ["justakey", /entry 1 has no "kid:" prefix/],
    [`k1:${key()},`, /entry 2 is empty/],
    [`bad.kid:${key()}`, /key id "bad.kid" must be/],
    [`:${key()}`, /entry 1: key id "" must be/],
    ["k1:not base64!", /key "k1" is not base64/],
    [`k1:${randomBytes(16).toString("base64")}`, /key "k1" is 16 bytes; AES-256 needs 32/],
    [`k1:${key()},k1:${key()}`, /key id "k1" appears twice/],
  ])("refuses %s, naming the problem", (value, message) => {
    const result = parseKeyring(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it("never echoes key material in an error", () => {
    const short = randomBytes(16).toString("base64");
    const result = parseKeyring(`k1:${short}`);
    expect(!result.ok && result.error).not.toContain(short);
  });
});

describe("generateKeyringEntry", () => {
  it("makes an entry parseKeyring accepts, different each time", () => {
    const a = generateKeyringEntry();
    const b = generateKeyringEntry();
    expect(a).not.toBe(b);
    expect(parseKeyring(a).ok).toBe(true);
    expect(parseKeyring(`${a},${b}`).ok).toBe(true);
  });
});
