import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import { isSwitchboardError, ErrorCodes, UnavailableError } from "@switchboard/errors";
import type { Authenticator, Principal } from "@switchboard/http";
import { commandClient, tenancyContract } from "@switchboard/contracts";
import type { CommandCaller } from "./command-call.js";

export interface KeyAuthenticatorOptions {
  /** How long an answer is trusted: a revoked key stops working within this. */
  cacheMs?: number;
  /** How long a known answer is still used while tenancy cannot be reached (NATS down). */
  staleMs?: number;
  /** Known keys remembered (least recently used go first). */
  maxKeys?: number;
  /** Unknown tokens remembered, apart from the known keys, so that random tokens evict none of them. */
  maxUnknown?: number;
  /** The clock; tests move it. */
  now?: () => number;
}

type Known = { principal: Principal; at: number };

/**
 * Asks the tenancy service who a key belongs to (in-process when it runs here, else over NATS), so
 * no service reads tenancy's tables. Only the key's SHA-256 is sent. Answers are cached: known keys
 * in one bounded LRU (kept up to `staleMs`, trusted for `cacheMs`, used while tenancy is
 * unreachable), unknown tokens in another, smaller one, so a flood of random bearer tokens cannot
 * push valid keys out; concurrent lookups of one token share one question to tenancy.
 */
export function createKeyAuthenticator(
  call: CommandCaller,
  options: KeyAuthenticatorOptions = {},
): Authenticator {
  const cacheMs = options.cacheMs ?? 5_000;
  const staleMs = options.staleMs ?? 10 * 60_000;
  const now = options.now ?? Date.now;
  const known = new LRUCache<string, Known>({ max: options.maxKeys ?? 10_000 });
  const unknown = new LRUCache<string, number>({ max: options.maxUnknown ?? 1_000 });
  const asking = new Map<string, Promise<Principal | undefined>>();
  const tenancy = commandClient(call, tenancyContract);

  const ask = async (tokenHash: string, hit: Known | undefined): Promise<Principal | undefined> => {
    let principal: Principal | undefined;
    try {
      principal = (await tenancy.authenticate({ orgId: "_platform", params: { tokenHash } })) ?? undefined;
    } catch (error) {
      const unreachable =
        isSwitchboardError(error) &&
        (error.code === ErrorCodes.Unavailable || error.code === ErrorCodes.Timeout);
      if (unreachable && hit !== undefined && now() - hit.at < staleMs) return hit.principal;
      throw new UnavailableError(`cannot check the API key: ${(error as Error).message}`, { cause: error });
    }
    if (principal === undefined) {
      known.delete(tokenHash);
      unknown.set(tokenHash, now());
    } else {
      unknown.delete(tokenHash);
      known.set(tokenHash, { principal, at: now() });
    }
    return principal;
  };

  return async (token) => {
    const tokenHash = createHash("sha256").update(token, "utf8").digest("hex");
    const hit = known.get(tokenHash);
    if (hit !== undefined && now() - hit.at < cacheMs) return hit.principal;
    const missAt = unknown.get(tokenHash);
    if (missAt !== undefined && now() - missAt < cacheMs) return undefined;
    let pending = asking.get(tokenHash);
    if (pending === undefined) {
      pending = ask(tokenHash, hit).finally(() => asking.delete(tokenHash));
      asking.set(tokenHash, pending);
    }
    return pending;
  };
}
