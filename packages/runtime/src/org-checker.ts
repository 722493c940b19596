import type { OrgExists } from "@switchboard/http";
import type { CommandCaller } from "./command-call.js";

export interface OrgCheckerOptions {
  /** How long an org found to exist is trusted without asking again. */
  cacheMs?: number;
}

/**
 * Asks the tenancy service whether an org exists (in-process when it runs here, else over NATS).
 * Only answers that it exists are kept: an org created a moment later must be usable at once.
 */
export function createOrgChecker(call: CommandCaller, options: OrgCheckerOptions = {}): OrgExists {
  const cacheMs = options.cacheMs ?? 60_000;
  const found = new Map<string, number>();
  return async (orgId) => {
    const at = found.get(orgId);
    if (at !== undefined && Date.now() - at < cacheMs) return true;
    const org = await call<unknown>("tenancy", "getOrg", { orgId, params: {} });
    if (org === null || org === undefined) return false;
    if (found.size > 10_000) found.clear();
    found.set(orgId, Date.now());
    return true;
  };
}
