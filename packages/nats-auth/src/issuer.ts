import { err, ok, type Result } from "@switchboard/errors";
import type { AccountSigner } from "./account-claims.js";
import { publicKeyOf, type TrustChain } from "./trust-chain.js";
import type { UserIssuer } from "./user-credentials.js";

/**
 * What the service that hands out NATS credentials holds (a secret, file mode 0600): the keys that
 * sign users and re-sign the account with its revocations, and the system user that pushes the
 * account to the servers. Not the operator's or the account's identity keys.
 */
export interface Issuer extends AccountSigner, UserIssuer {
  version: 1;
  systemUserCreds: string;
}

export function issuerOf(chain: TrustChain): Issuer {
  return {
    version: 1,
    operatorSigningSeed: chain.operatorSigningSeed,
    accountPublicKey: publicKeyOf(chain.account.seed),
    accountName: chain.account.name,
    accountSigningSeed: chain.accountSigningSeed,
    accountSigningPublicKey: publicKeyOf(chain.accountSigningSeed),
    systemUserCreds: chain.systemUserCreds,
  };
}

const SEEDS = { operatorSigningSeed: "SO", accountSigningSeed: "SA" } as const;

/** Reads an issuer file's text; the error names what is wrong, never a key. */
export function parseIssuer(text: string): Result<Issuer, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return err("is not JSON");
  }
  if (typeof raw !== "object" || raw === null) return err("is not a JSON object");
  const r = raw as Record<string, unknown>;
  if (r.version !== 1)
    return err(`has version ${JSON.stringify(r.version)}; this Switchboard reads version 1`);
  for (const [field, prefix] of Object.entries(SEEDS)) {
    const seed = r[field];
    if (typeof seed !== "string" || !seed.startsWith(prefix))
      return err(`${field} is missing or not a ${prefix}… seed`);
    try {
      publicKeyOf(seed);
    } catch {
      return err(`${field} is not a valid seed`);
    }
  }
  for (const field of ["accountPublicKey", "accountName", "systemUserCreds"]) {
    if (typeof r[field] !== "string" || r[field] === "") return err(`${field} is missing`);
  }
  const accountSigningSeed = r.accountSigningSeed as string;
  return ok({
    version: 1,
    operatorSigningSeed: r.operatorSigningSeed as string,
    accountPublicKey: r.accountPublicKey as string,
    accountName: r.accountName as string,
    accountSigningSeed,
    accountSigningPublicKey: publicKeyOf(accountSigningSeed),
    systemUserCreds: r.systemUserCreds as string,
  });
}
