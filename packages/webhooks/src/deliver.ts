import type { DestinationCache } from "./destination-cache.js";
import { checkDestination, type Resolve } from "./destination-check.js";
import { createDeliveryPools, type DeliveryPools } from "./delivery-pools.js";
import type { DeliveryOutcome } from "./delivery-outcome.js";
import { describeError } from "./describe-error.js";
import { readExcerpt } from "./response-excerpt.js";
import { responseOutcome } from "./response-outcome.js";

export interface DeliverOptions {
  url: string;
  body: string;
  headers: Record<string, string>;
  /** Bounds the whole attempt: DNS, connect, response headers and the excerpt. */
  timeoutMs: number;
  allowlist: readonly string[];
  /** How much of the response body to keep for the delivery log. Default 1,024 bytes. */
  maxExcerptBytes?: number;
  resolve?: Resolve;
  /** Shared keep-alive pools; without them the attempt uses a connection of its own. */
  pools?: DeliveryPools;
  /** Recent approvals of the SSRF guard, made with this allowlist and resolver; without it, every attempt checks. */
  destinations?: DestinationCache;
  /** Clock for Retry-After dates. */
  now?: () => number;
}

const DEFAULT_EXCERPT_BYTES = 1024;

/**
 * One webhook attempt: check the destination, POST to the approved addresses only, follow no
 * redirect, keep an excerpt of the answer. Never throws; every end is a DeliveryOutcome.
 */
export async function deliver(opts: DeliverOptions): Promise<DeliveryOutcome> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), opts.timeoutMs);
  const timedOut = (phase: string): DeliveryOutcome => ({
    outcome: "retry",
    durationMs: elapsed(),
    error: `timed out after ${opts.timeoutMs} ms ${phase}`,
  });
  const pools = opts.pools ?? createDeliveryPools();
  try {
    let approved = opts.destinations?.get(opts.url);
    if (approved === undefined) {
      const checked = await beforeDeadline(
        checkDestination(opts.url, {
          allowlist: opts.allowlist,
          ...(opts.resolve ? { resolve: opts.resolve } : {}),
        }),
        deadline.signal,
      );
      if (checked === undefined) return timedOut("resolving the host");
      if (!checked.ok) {
        // A name that does not resolve is usually a passing DNS fault, so it is retried like one.
        if (checked.error.code === "unresolvable")
          return { outcome: "retry", durationMs: elapsed(), error: checked.error.message };
        return { outcome: "refused", problem: checked.error, durationMs: elapsed() };
      }
      approved = checked.value;
      opts.destinations?.remember(opts.url, approved);
    }
    const { url, addresses } = approved;
    const lease = pools.acquire(url.origin, addresses);
    try {
      const response = await lease.dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: "POST",
        headers: opts.headers,
        body: opts.body,
        signal: deadline.signal,
        headersTimeout: opts.timeoutMs,
        bodyTimeout: opts.timeoutMs,
      });
      const excerpt = await readExcerpt(response.body, opts.maxExcerptBytes ?? DEFAULT_EXCERPT_BYTES);
      const received = {
        status: response.statusCode,
        headers: response.headers,
        excerpt,
        durationMs: elapsed(),
      };
      return responseOutcome(received, (opts.now ?? Date.now)());
    } catch (error) {
      if (deadline.signal.aborted) return timedOut(`waiting for ${url.origin} to answer`);
      return { outcome: "retry", durationMs: elapsed(), error: describeError(error) };
    } finally {
      lease.release();
    }
  } finally {
    clearTimeout(timer);
    if (opts.pools === undefined) await pools.close();
  }
}

/** The promise's value, or undefined if the signal aborts first (the promise is left to settle). */
async function beforeDeadline<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return undefined;
  let onAbort = (): void => undefined;
  const aborted = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}
