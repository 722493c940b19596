import type { Principal, Role } from "./roles.js";

/** What a route or handler requires of its caller. */
export type AccessRequirement = {
  /** The org the request touches (usually the `{org}` path parameter); absent for platform-level routes. */
  orgId?: string | undefined;
  /** Any one of these roles grants access. `platform-admin`, and `org-admin` within its org, always do. */
  roles: readonly Role[];
};

/** `not-found` rather than `forbidden` across orgs: a key must not learn that another org's resources exist. */
export type AccessDecision = "allowed" | "not-found" | "forbidden";

/**
 * Platform-admin power belongs to platform keys only. An org key carrying the role (which key issuance
 * should never allow) is treated as lacking it, so one mistake there cannot open every org.
 */
export function isPlatformAdmin(principal: Principal): boolean {
  return principal.orgId === null && principal.roles.includes("platform-admin");
}

export function decideAccess(principal: Principal, requirement: AccessRequirement): AccessDecision {
  if (isPlatformAdmin(principal)) return "allowed";
  if (requirement.orgId !== undefined) {
    if (principal.orgId !== requirement.orgId) return "not-found";
    if (principal.roles.includes("org-admin")) return "allowed";
  }
  const held = effectiveRoles(principal);
  return requirement.roles.some((role) => held.includes(role)) ? "allowed" : "forbidden";
}

function effectiveRoles(principal: Principal): readonly Role[] {
  return principal.orgId === null
    ? principal.roles
    : principal.roles.filter((role) => role !== "platform-admin");
}

/** Every role that would have been enough, for the 403 message. */
export function sufficientRoles(requirement: AccessRequirement): Role[] {
  const implied: Role[] =
    requirement.orgId === undefined ? ["platform-admin"] : ["org-admin", "platform-admin"];
  return [...new Set([...requirement.roles, ...implied])];
}
