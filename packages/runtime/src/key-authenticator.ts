import { createHash } from "node:crypto";
import { isSwitchboardError, ErrorCodes, UnavailableError } from "@switchboard/errors";
import type { Authenticator, Principal } from "@switchboard/http";
import type { CommandCaller } from "./command-call.js";

export interface KeyAuthenticatorOptions {
  /** How long an answer is trusted: a revoked key stops working within this. */
  cacheMs?: number;
  /** How long a known answer is still used while tenancy cannot be reached (NATS down). */
  staleMs?: number;
}

/**
 * Asks the tenancy service who a key belongs to (in-process when it runs here, else over NATS), so
 * no service reads tenancy's tables. Only the key's SHA-256 is sent.
 */
export function createKeyAuthenticator(
  call: CommandCaller,
  options: KeyAuthenticatorOptions = {},
): Authenticator {
  const cacheMs = options.cacheMs ?? 5_000;
  const staleMs = options.staleMs ?? 10 * 60_000;
  const cache = new Map<string, { principal: Principal | undefined; at: number }>();
  return async (token) => {
    const tokenHash = createHash("sha256").update(token, "utf8").digest("hex");
    const hit = cache.get(tokenHash);
    if (hit !== undefined && Date.now() - hit.at < cacheMs) return hit.principal;
    let principal: Principal | undefined;
    try {
      principal =
        (await call<Principal | null>("tenancy", "authenticate", {
          orgId: "_platform",
          params: { tokenHash },
        })) ?? undefined;
    } catch (error) {
      const unreachable =
        isSwitchboardError(error) &&
        (error.code === ErrorCodes.Unavailable || error.code === ErrorCodes.Timeout);
      if (unreachable && hit !== undefined && Date.now() - hit.at < staleMs) return hit.principal;
      throw new UnavailableError(`cannot check the API key: ${(error as Error).message}`, { cause: error });
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(tokenHash, { principal, at: Date.now() });
    return principal;
  };
}
