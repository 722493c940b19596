import { describe, expect, it } from "vitest";
import { issuerOf, parseIssuer } from "./issuer.js";
import { createTrustChain } from "./trust-chain.js";
import { credsClaims, issueUser } from "./user-credentials.js";

describe("the issuer file", () => {
  it("reads back what issuerOf wrote, without the identity keys of the operator or the account", async () => {
    const chain = await createTrustChain();
    const issuer = issuerOf(chain);
    const text = JSON.stringify(issuer);
    expect(parseIssuer(text)).toEqual({ ok: true, value: issuer });
    expect(text).not.toContain(chain.operator.seed);
    expect(text).not.toContain(chain.account.seed);
  });

  it.each([
    ["not JSON", "{", "is not JSON"],
    ["another version", '{"version":2}', "version 2"],
    ["no operator signing seed", '{"version":1}', "operatorSigningSeed is missing"],
  ])("names what is wrong: %s", (_what, text, message) => {
    const parsed = parseIssuer(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(message);
  });

  it("refuses a seed of the wrong kind, and never shows it", async () => {
    const issuer = issuerOf(await createTrustChain());
    const swapped = { ...issuer, operatorSigningSeed: issuer.accountSigningSeed };
    const parsed = parseIssuer(JSON.stringify(swapped));
    expect(parsed).toEqual({ ok: false, error: "operatorSigningSeed is missing or not a SO… seed" });
  });
});

describe("issueUser", () => {
  it("writes a standard .creds file whose JWT names the user, with its expiry", async () => {
    const issuer = issuerOf(await createTrustChain());
    const expiresAt = new Date(Date.now() + 3_600_000);
    const user = await issueUser(issuer, {
      name: "hrh/nc_01",
      permissions: { pub: { allow: [], deny: [">"] }, sub: { allow: ["_INBOX_nc_01.>"], deny: [] } },
      expiresAt,
    });
    expect(user.creds).toMatch(/^-----BEGIN NATS USER JWT-----\n.+\n------END NATS USER JWT------/);
    expect(user.creds).toContain("-----BEGIN USER NKEY SEED-----\nSU");
    expect(credsClaims(user.creds)).toMatchObject({
      publicKey: user.publicKey,
      name: "hrh/nc_01",
      expiresAt: Math.floor(expiresAt.getTime() / 1000),
    });
  });
});
