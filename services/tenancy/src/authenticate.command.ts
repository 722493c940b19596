import type { Kysely } from "kysely";
import { ValidationError } from "@switchboard/errors";
import { findKeyByHash } from "./api-key.repository.js";
import type { TenancyDB } from "./tenancy.tables.js";

export interface PrincipalReply {
  keyId: string;
  orgId: string | null;
  roles: string[];
}

/** Answers `tenancy.authenticate`: who holds the key with this hash, or null. */
export async function authenticate(db: Kysely<TenancyDB>, params: unknown): Promise<PrincipalReply | null> {
  const tokenHash = (params as { tokenHash?: unknown } | null)?.tokenHash;
  if (typeof tokenHash !== "string" || !/^[0-9a-f]{64}$/.test(tokenHash)) {
    throw new ValidationError("params.tokenHash must be a hex SHA-256 digest");
  }
  const key = await findKeyByHash(db, tokenHash);
  return key === undefined ? null : { keyId: key.id, orgId: key.orgId, roles: key.roles };
}
