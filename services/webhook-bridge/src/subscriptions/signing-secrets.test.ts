import { describe, expect, it } from "vitest";
import {
  MAX_SIGNING_SECRETS,
  freshSigningSecrets,
  rotateSigningSecrets,
  validSigningSecrets,
} from "./signing-secrets.js";

const at = (iso: string): Date => new Date(iso);
const T0 = at("2026-11-21T10:00:00.000Z");

describe("signing secret rotation", () => {
  it("puts the new secret first and lets the previous one sign until its expiry", () => {
    const [current] = freshSigningSecrets();
    const { secrets, secret } = rotateSigningSecrets([current!], T0, 3600);
    expect(secret).toMatch(/^whsec_/);
    expect(secrets).toEqual([
      { secret, expiresAt: null },
      { secret: current!.secret, expiresAt: "2026-11-21T11:00:00.000Z" },
    ]);
    expect(validSigningSecrets(secrets, at("2026-11-21T10:59:59.999Z")).map((s) => s.secret)).toEqual([
      secret,
      current!.secret,
    ]);
    expect(validSigningSecrets(secrets, at("2026-11-21T11:00:00.000Z")).map((s) => s.secret)).toEqual([
      secret,
    ]);
  });

  it("revokes the previous secret at once with a ttl of 0", () => {
    const { secrets, secret } = rotateSigningSecrets(freshSigningSecrets(), T0, 0);
    expect(secrets).toEqual([{ secret, expiresAt: null }]);
  });

  it("keeps earlier previous secrets with their own expiry, drops expired ones, and bounds the list", () => {
    let secrets = freshSigningSecrets();
    const first = secrets[0]!.secret;
    secrets = rotateSigningSecrets(secrets, T0, 3600).secrets;
    secrets = rotateSigningSecrets(secrets, at("2026-11-21T10:30:00.000Z"), 86_400).secrets;
    expect(secrets[2]).toEqual({ secret: first, expiresAt: "2026-11-21T11:00:00.000Z" });
    secrets = rotateSigningSecrets(secrets, at("2026-11-21T12:00:00.000Z"), 86_400).secrets;
    expect(secrets.map((s) => s.secret)).not.toContain(first);
    for (let i = 0; i < 10; i++) secrets = rotateSigningSecrets(secrets, T0, 86_400).secrets;
    expect(secrets).toHaveLength(MAX_SIGNING_SECRETS);
  });
});
