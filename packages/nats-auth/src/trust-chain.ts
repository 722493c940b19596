import { createAccount, createOperator, createUser, fromSeed, type KeyPair } from "@nats-io/nkeys";
import { encodeUser, fmtCreds } from "@nats-io/jwt";
import { connectionEventSubjects } from "./connection-events.js";

/**
 * Every key of a deployment's decentralized NATS authentication, as seeds:
 * - the operator, which nats-server trusts; its signing key signs the account JWTs;
 * - the system account (nats-server's own: claim updates, monitoring), with one user that may push
 *   account JWTs to the resolver and hear of the application account's connections;
 * - the application account, where every stream and every user lives; its signing key signs users.
 * Only `switchboard nats init` and the all-in-one runner hold the whole chain; a deployment hands its
 * parts out as an issuer (tenancy), service credentials and a server configuration.
 */
export interface TrustChain {
  version: 1;
  operator: { name: string; seed: string };
  operatorSigningSeed: string;
  systemAccountSeed: string;
  account: { name: string; seed: string };
  accountSigningSeed: string;
  /**
   * A user of the system account: may push account JWTs ($SYS.REQ.CLAIMS.UPDATE) and subscribe to
   * the application account's connection events (`connectionEventSubjects`).
   */
  systemUserCreds: string;
}

export const APP_ACCOUNT_NAME = "SWITCHBOARD";

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** A new chain of fresh keys. */
export async function createTrustChain(operatorName = "switchboard"): Promise<TrustChain> {
  const system = createAccount();
  const account = createAccount();
  return {
    version: 1,
    operator: { name: operatorName, seed: text(createOperator().getSeed()) },
    operatorSigningSeed: text(createOperator().getSeed()),
    systemAccountSeed: text(system.getSeed()),
    account: { name: APP_ACCOUNT_NAME, seed: text(account.getSeed()) },
    accountSigningSeed: text(createAccount().getSeed()),
    systemUserCreds: await systemUserCreds(chainKeys(system, account)),
  };
}

/**
 * A new system user for a chain, with the permissions this version gives it (`TrustChain`). A runner
 * that holds the whole chain mints one at every start, so a chain made by an earlier version gets
 * what was added since.
 */
export async function systemUserCreds(keys: {
  systemAccountSeed: string;
  accountSeed: string;
}): Promise<string> {
  const system = fromSeed(new TextEncoder().encode(keys.systemAccountSeed));
  const user = createUser();
  const jwt = await encodeUser("system", user, system, {
    pub: { allow: ["$SYS.REQ.CLAIMS.UPDATE", "$SYS.REQ.ACCOUNT.*.CLAIMS.UPDATE"], deny: [] },
    sub: { allow: ["_INBOX.>", ...connectionEventSubjects(publicKeyOf(keys.accountSeed))], deny: [] },
  });
  return text(fmtCreds(jwt, user));
}

const chainKeys = (system: KeyPair, account: KeyPair) => ({
  systemAccountSeed: text(system.getSeed()),
  accountSeed: text(account.getSeed()),
});

/** The public key of a seed. */
export function publicKeyOf(seed: string): string {
  return fromSeed(new TextEncoder().encode(seed)).getPublicKey();
}
