import { decode, encodeUser, fmtCreds, type Permissions, type User } from "@nats-io/jwt";
import { createUser, fromSeed } from "@nats-io/nkeys";

/** A user's permissions, as the server enforces them: allow lists and deny lists. */
export interface UserPermissions {
  pub: { allow: string[]; deny: string[] };
  sub: { allow: string[]; deny: string[] };
}

export interface IssuedUser {
  publicKey: string;
  jwt: string;
  /** The standard `.creds` file: the JWT and the user's seed. Shown once, never stored. */
  creds: string;
}

export interface UserSpec {
  name: string;
  permissions: UserPermissions;
  /** After this, the server refuses the user and closes its connections. */
  expiresAt?: Date;
}

/** What issuing users takes: the account's public key and its signing key's seed. */
export interface UserIssuer {
  accountPublicKey: string;
  accountSigningSeed: string;
}

/** A new user key pair and its JWT, signed by the account's signing key. */
export async function issueUser(issuer: UserIssuer, spec: UserSpec): Promise<IssuedUser> {
  const user = createUser();
  const perms: Partial<Permissions> = { pub: spec.permissions.pub, sub: spec.permissions.sub };
  const jwt = await encodeUser(spec.name, user, issuer.accountPublicKey, perms as Partial<User>, {
    signer: fromSeed(new TextEncoder().encode(issuer.accountSigningSeed)),
    ...(spec.expiresAt ? { exp: Math.floor(spec.expiresAt.getTime() / 1000) } : {}),
  });
  return {
    publicKey: user.getPublicKey(),
    jwt,
    creds: new TextDecoder().decode(fmtCreds(jwt, user)),
  };
}

const CREDS_JWT = /-----BEGIN NATS USER JWT-----\s*([A-Za-z0-9._-]+)\s*------END NATS USER JWT------/;

/** The user JWT's claims in a `.creds` file (not verified: the server does that). */
export function credsClaims(creds: string): {
  publicKey: string;
  name: string;
  issuedAt: number;
  expiresAt?: number;
} {
  const match = CREDS_JWT.exec(creds);
  if (match === null) throw new Error("not a NATS .creds file: no user JWT in it");
  const claims = decode<User>(match[1]!);
  return {
    publicKey: claims.sub,
    name: claims.name,
    issuedAt: claims.iat,
    ...(claims.exp !== undefined ? { expiresAt: claims.exp } : {}),
  };
}
