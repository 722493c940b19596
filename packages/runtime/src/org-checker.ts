import type { OrgExists } from "@switchboard/http";
import { commandClient, tenancyContract } from "@switchboard/contracts";
import type { CommandCaller } from "./command-call.js";
import { StaleCache } from "./stale-cache.js";

export interface OrgCheckerOptions {
  /** How long an org found to exist is trusted without asking again. */
  cacheMs?: number;
  /** How long an org found to exist is still trusted while tenancy cannot be reached. */
  staleMs?: number;
}

/**
 * Asks the tenancy service whether an org exists (in-process when it runs here, else over NATS).
 * Only answers that it exists are kept: an org created a moment later must be usable at once.
 * While tenancy cannot be reached (down, restarting, NATS away) a known org stays known, as API
 * keys do, rather than failing every request of that org.
 */
export function createOrgChecker(call: CommandCaller, options: OrgCheckerOptions = {}): OrgExists {
  const tenancy = commandClient(call, tenancyContract);
  const found = new StaleCache<true>({
    load: async (orgId) => {
      const org = await tenancy.getOrg({ orgId, params: {} });
      return org === null || org === undefined ? undefined : true;
    },
    ttlMs: options.cacheMs ?? 60_000,
    staleMs: options.staleMs ?? 10 * 60_000,
    max: 10_000,
  });
  return async (orgId) => (await found.get(orgId)) === true;
}
