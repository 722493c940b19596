import { encodeAccount, encodeOperator } from "@nats-io/jwt";
import { fromPublic, fromSeed } from "@nats-io/nkeys";
import { publicKeyOf, type TrustChain } from "./trust-chain.js";

/** What signing the application account's JWT takes: no account or operator identity key. */
export interface AccountSigner {
  operatorSigningSeed: string;
  accountPublicKey: string;
  accountName: string;
  accountSigningPublicKey: string;
}

/** User public key → seconds since the epoch: JWTs of that user issued at or before it are refused. */
export type Revocations = Record<string, number>;

// Every limit given (-1: unlimited): a limit left out is 0 to nats-server, which then refuses
// connections ("maximum account active connections exceeded").
const CORE_LIMITS = {
  subs: -1,
  data: -1,
  payload: -1,
  imports: -1,
  exports: -1,
  wildcards: true,
  conn: -1,
  leaf: -1,
};
const JETSTREAM_LIMITS = {
  mem_storage: -1,
  disk_storage: -1,
  streams: -1,
  consumer: -1,
  max_ack_pending: -1,
  mem_max_stream_bytes: -1,
  disk_max_stream_bytes: -1,
  max_bytes_required: false,
};

const key = (seed: string) => fromSeed(new TextEncoder().encode(seed));

export function accountSigner(chain: TrustChain): AccountSigner {
  return {
    operatorSigningSeed: chain.operatorSigningSeed,
    accountPublicKey: publicKeyOf(chain.account.seed),
    accountName: chain.account.name,
    accountSigningPublicKey: publicKeyOf(chain.accountSigningSeed),
  };
}

export function operatorJwt(chain: TrustChain): Promise<string> {
  return encodeOperator(chain.operator.name, key(chain.operator.seed), {
    signing_keys: [publicKeyOf(chain.operatorSigningSeed)],
    system_account: publicKeyOf(chain.systemAccountSeed),
  });
}

/** nats-server's own account: no JetStream (the server refuses to start with it enabled there). */
export function systemAccountJwt(chain: TrustChain): Promise<string> {
  return encodeAccount(
    "SYS",
    fromPublic(publicKeyOf(chain.systemAccountSeed)),
    { limits: CORE_LIMITS },
    { signer: key(chain.operatorSigningSeed) },
  );
}

/**
 * The application account: JetStream on, users signed by its signing key, and the revoked users.
 * A user without permissions of its own may do nothing.
 */
export function applicationAccountJwt(signer: AccountSigner, revocations: Revocations = {}): Promise<string> {
  return encodeAccount(
    signer.accountName,
    fromPublic(signer.accountPublicKey),
    {
      limits: { ...CORE_LIMITS, ...JETSTREAM_LIMITS },
      signing_keys: [signer.accountSigningPublicKey],
      revocations,
      default_permissions: { pub: { allow: [], deny: [">"] }, sub: { allow: [], deny: [">"] } },
    },
    { signer: key(signer.operatorSigningSeed) },
  );
}
