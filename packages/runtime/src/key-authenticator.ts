import { createHash } from "node:crypto";
import type { NatsConnection } from "@nats-io/transport-node";
import { sendCommand } from "@switchboard/bus";
import { UnavailableError } from "@switchboard/errors";
import type { Authenticator, Principal } from "@switchboard/http";

/**
 * Asks the tenancy service who a key belongs to, over NATS, so any process can check keys without
 * reading tenancy's tables. Only the key's hash is sent. Answers are cached briefly: a revoked key
 * stops working within `cacheMs`.
 */
export function createKeyAuthenticator(nc: NatsConnection, namespace: string, cacheMs = 5_000): Authenticator {
  const cache = new Map<string, { principal: Principal | undefined; until: number }>();
  return async (token) => {
    const tokenHash = createHash("sha256").update(token, "utf8").digest("hex");
    const hit = cache.get(tokenHash);
    if (hit !== undefined && hit.until > Date.now()) return hit.principal;
    const reply = await sendCommand<Principal | null>(nc, {
      namespace,
      service: "tenancy",
      command: "authenticate",
      request: { orgId: "_platform", params: { tokenHash } },
      timeoutMs: 5_000,
    });
    if (!reply.ok) throw new UnavailableError(`cannot check the API key: ${reply.error.message}`);
    const principal = reply.value ?? undefined;
    if (cache.size > 10_000) cache.clear();
    cache.set(tokenHash, { principal, until: Date.now() + cacheMs });
    return principal;
  };
}
