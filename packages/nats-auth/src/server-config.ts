import {
  applicationAccountJwt,
  accountSigner,
  operatorJwt,
  systemAccountJwt,
  type Revocations,
} from "./account-claims.js";
import { publicKeyOf, type TrustChain } from "./trust-chain.js";

export interface ServerAuthOptions {
  /**
   * Where the server's account resolver keeps account JWTs (and the updates pushed to it). A value
   * starting with `$` is written as a configuration variable (`$NATS_RESOLVER_DIR`).
   */
  resolverDir: string;
  /** Revocations to start with; later ones are pushed to the running server. */
  revocations?: Revocations;
}

const value = (v: string): string => (v.startsWith("$") ? v : JSON.stringify(v));

/** What a server needs to trust a deployment: the operator, the system account, the accounts' JWTs. */
export interface ServerAuth {
  operatorJwt: string;
  systemAccount: string;
  /** Account public key → account JWT, for `resolver_preload`. */
  preload: Record<string, string>;
}

export async function serverAuth(chain: TrustChain, revocations?: Revocations): Promise<ServerAuth> {
  const system = publicKeyOf(chain.systemAccountSeed);
  return {
    operatorJwt: await operatorJwt(chain),
    systemAccount: system,
    preload: {
      [system]: await systemAccountJwt(chain),
      [publicKeyOf(chain.account.seed)]: await applicationAccountJwt(accountSigner(chain), revocations),
    },
  };
}

/**
 * The part of a nats-server configuration that turns on decentralized JWT authentication: the
 * trusted operator, the system account, and a full account resolver (every server keeps the
 * account JWTs in its directory and passes pushed updates to the others of a cluster), preloaded
 * with the two accounts. A preloaded JWT never replaces a newer one the resolver already holds, so
 * revocations pushed earlier survive a restart.
 */
export async function serverAuthConfig(chain: TrustChain, options: ServerAuthOptions): Promise<string> {
  const auth = await serverAuth(chain, options.revocations);
  return [
    "# Decentralized JWT authentication, written by Switchboard. Holds no secret: only public keys and signed JWTs.",
    `operator: ${JSON.stringify(auth.operatorJwt)}`,
    `system_account: ${auth.systemAccount}`,
    "resolver: {",
    "  type: full",
    `  dir: ${value(options.resolverDir)}`,
    "  allow_delete: false",
    '  interval: "2m"',
    '  timeout: "5s"',
    "}",
    "resolver_preload: {",
    ...Object.entries(auth.preload).map(([account, jwt]) => `  ${account}: ${JSON.stringify(jwt)}`),
    "}",
    "",
  ].join("\n");
}
