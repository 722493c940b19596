import { ROLES, type ResultOf, type tenancyContract } from "@switchboard/contracts";

/** What an API key may do (tenancy's contract lists them). Stored on keys by name, so never rename one; only add. */
export type Role = (typeof ROLES)[number];

export { ROLES };

/** The caller behind a request, as tenancy's `authenticate` resolves it from its API key (orgId null: a platform key). */
export type Principal = NonNullable<ResultOf<typeof tenancyContract, "authenticate">>;

/** Resolves a bearer token to its principal; `undefined` when the key is unknown or revoked. */
export type Authenticator = (token: string) => Promise<Principal | undefined>;

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
