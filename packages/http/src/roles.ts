/** What an API key may do. Stored on keys by name, so never rename one; only add. */
export type Role = "platform-admin" | "org-admin" | "content-manager" | "integration" | "app" | "viewer";

export const ROLES: readonly Role[] = Object.freeze([
  "platform-admin",
  "org-admin",
  "content-manager",
  "integration",
  "app",
  "viewer",
]);

/** The caller behind a request, as resolved from its API key. */
export type Principal = {
  keyId: string;
  /** `null` for a platform key, which belongs to no org. */
  orgId: string | null;
  roles: Role[];
};

/** Resolves a bearer token to its principal; `undefined` when the key is unknown or revoked. */
export type Authenticator = (token: string) => Promise<Principal | undefined>;

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
