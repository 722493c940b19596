import { ErrorCodes, isSwitchboardError } from "@switchboard/errors";
import type { OrgExists } from "@switchboard/http";
import { commandClient, tenancyContract } from "@switchboard/contracts";
import type { CommandCaller } from "./command-call.js";

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
  const cacheMs = options.cacheMs ?? 60_000;
  const staleMs = options.staleMs ?? 10 * 60_000;
  const found = new Map<string, number>();
  const tenancy = commandClient(call, tenancyContract);
  return async (orgId) => {
    const at = found.get(orgId);
    if (at !== undefined && Date.now() - at < cacheMs) return true;
    let org: unknown;
    try {
      org = await tenancy.getOrg({ orgId, params: {} });
    } catch (error) {
      if (unreachable(error) && at !== undefined && Date.now() - at < staleMs) return true;
      throw error;
    }
    if (org === null || org === undefined) return false;
    if (found.size > 10_000) found.clear();
    found.set(orgId, Date.now());
    return true;
  };
}

function unreachable(error: unknown): boolean {
  return (
    isSwitchboardError(error) && (error.code === ErrorCodes.Unavailable || error.code === ErrorCodes.Timeout)
  );
}
