import type { CheckedDestination } from "./destination-check.js";

export interface DestinationCacheOptions {
  /** How long an approval is used without checking the URL again. Default 5 s. */
  ttlMs?: number;
  /** URLs remembered; the least recently approved go first. Default 1,000. */
  maxEntries?: number;
  /** The clock; tests move it. */
  now?: () => number;
}

/**
 * The SSRF guard's approvals of webhook URLs, each used for `ttlMs`, so a busy endpoint is not
 * resolved and checked again for every POST. A cached approval sends a request only to the
 * addresses that were checked (the connection's lookup is pinned to them), never to whatever the
 * name resolves to meanwhile, so DNS rebinding gains nothing from it; a name whose answer changed
 * (to a private address, say) is checked again, and refused, once its approval is older than
 * `ttlMs`. Refusals are not kept. One cache serves one allowlist and one resolver: the approval
 * holds for the settings it was made with.
 */
export interface DestinationCache {
  /** The approval of `url`, if one was made within `ttlMs`. */
  get(url: string): CheckedDestination | undefined;
  remember(url: string, checked: CheckedDestination): void;
}

export function createDestinationCache(opts: DestinationCacheOptions = {}): DestinationCache {
  const ttlMs = opts.ttlMs ?? 5_000;
  const maxEntries = opts.maxEntries ?? 1_000;
  const now = opts.now ?? Date.now;
  const approvals = new Map<string, { checked: CheckedDestination; at: number }>(); // oldest first
  return {
    get(url) {
      const entry = approvals.get(url);
      if (entry === undefined) return undefined;
      if (now() - entry.at < ttlMs) return entry.checked;
      approvals.delete(url);
      return undefined;
    },
    remember(url, checked) {
      approvals.delete(url);
      approvals.set(url, { checked, at: now() });
      if (approvals.size > maxEntries) {
        const oldest = approvals.keys().next().value;
        if (oldest !== undefined) approvals.delete(oldest);
      }
    },
  };
}
