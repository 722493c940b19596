import type { Kysely } from "kysely";
import type { ParamsOf, ResultOf, tenancyContract } from "@switchboard/contracts";
import { isRole } from "@switchboard/http";
import { findKeyByHash } from "./api-key.repository.js";
import type { TenancyDB } from "./tenancy.tables.js";

/** Answers `tenancy.authenticate`: who holds the key with this hash, or null. */
export async function authenticate(
  db: Kysely<TenancyDB>,
  params: ParamsOf<typeof tenancyContract, "authenticate">,
): Promise<ResultOf<typeof tenancyContract, "authenticate">> {
  const key = await findKeyByHash(db, params.tokenHash);
  return key === undefined ? null : { keyId: key.id, orgId: key.orgId, roles: key.roles.filter(isRole) };
}
