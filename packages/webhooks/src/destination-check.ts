import { lookup } from "node:dns/promises";
import { ok, type Result } from "@switchboard/errors";
import { forbiddenRange } from "./address-ranges.js";
import { allowsAddress, allowsHost, parseAllowlist } from "./allowlist.js";
import { ALLOWLIST_VARIABLE, type DestinationProblem } from "./destination-problem.js";
import { parseIp, type IpAddress } from "./ip-address.js";
import { problem, validateUrlSyntax } from "./url-syntax.js";

/** Host name → its addresses. The default asks the system resolver, as a connection would. */
export type Resolve = (host: string) => Promise<string[]>;

export interface CheckDestinationOptions {
  /** Hosts or CIDRs (IPv4 and IPv6) that may be reached although private. */
  allowlist: readonly string[];
  resolve?: Resolve;
}

/** A URL that may be called, with the addresses a connection to it must use (and only those). */
export interface CheckedDestination {
  url: URL;
  addresses: string[];
}

export const resolveWithSystem: Resolve = async (host) =>
  (await lookup(host, { all: true })).map((entry) => entry.address);

/**
 * The SSRF guard. Refuses URLs whose host is, or resolves to, an address that is not public
 * unicast (private, loopback, link-local, CGNAT, multicast, …), unless the allowlist names the host
 * or a CIDR containing the address. Every resolved address must pass: a name that mixes public and
 * private answers is refused, since the connection might pick either.
 */
export async function checkDestination(
  url: string,
  opts: CheckDestinationOptions,
): Promise<Result<CheckedDestination, DestinationProblem>> {
  const syntax = validateUrlSyntax(url);
  if (!syntax.ok) return syntax;
  const parsed = syntax.value;
  const literal = parseIp(parsed.hostname);
  const host = literal ? parsed.hostname.replace(/^\[|\]$/g, "") : parsed.hostname;
  const resolved = literal ? ok([host]) : await resolveHost(host, opts.resolve ?? resolveWithSystem);
  if (!resolved.ok) return resolved;
  const { allowlist } = parseAllowlist(opts.allowlist);
  if (!literal && allowsHost(allowlist, host)) return ok({ url: parsed, addresses: resolved.value });
  for (const address of resolved.value) {
    const ip = parseIp(address) as IpAddress;
    const range = forbiddenRange(ip);
    if (range !== undefined && !allowsAddress(allowlist, ip)) {
      const what = literal ? address : `${host} resolves to ${address}, which`;
      return problem(
        "private-address",
        `${what} is ${article(range.label)} ${range.label} address (${range.range}) that webhooks may not reach; to allow it, ` +
          `add ${literal ? "it" : `the host ${host}`} or a CIDR containing it to ${ALLOWLIST_VARIABLE}`,
      );
    }
  }
  return ok({ url: parsed, addresses: resolved.value });
}

async function resolveHost(host: string, resolve: Resolve): Promise<Result<string[], DestinationProblem>> {
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return problem("unresolvable", `cannot resolve ${host}${typeof code === "string" ? ` (${code})` : ""}`);
  }
  if (addresses.length === 0) return problem("unresolvable", `${host} resolves to no address`);
  const notIp = addresses.find((a) => parseIp(a) === undefined);
  if (notIp !== undefined)
    return problem("unresolvable", `${host} resolved to ${JSON.stringify(notIp)}, not an IP address`);
  return ok(addresses.map((a) => a.replace(/^\[|\]$/g, "").toLowerCase()));
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? "an" : "a";
}
