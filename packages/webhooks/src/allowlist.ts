import { err, ok, type Result } from "@switchboard/errors";
import { embeddedIpv4 } from "./address-ranges.js";
import { cidrContains, parseCidr, type Cidr, type IpAddress } from "./ip-address.js";

/** Hosts and CIDRs that webhooks may reach although private (SWITCHBOARD_WEBHOOK_ALLOWLIST). */
export interface Allowlist {
  readonly hosts: ReadonlySet<string>;
  readonly cidrs: readonly Cidr[];
}

const HOST = /^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_.])?$/i;

/** Splits entries into hosts and CIDRs; a bare IP is a single-address CIDR. */
export function parseAllowlist(entries: readonly string[]): { allowlist: Allowlist; invalid: string[] } {
  const hosts = new Set<string>();
  const cidrs: Cidr[] = [];
  const invalid: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === "") continue;
    const cidr = parseCidr(entry);
    if (cidr !== undefined) cidrs.push(cidr);
    else if (isHostName(entry)) hosts.add(normaliseHost(entry));
    else invalid.push(entry);
  }
  return { allowlist: { hosts, cidrs }, invalid };
}

/** For start-up: refuses an allowlist with entries that are neither a host name nor an IP/CIDR. */
export function validateAllowlist(entries: readonly string[]): Result<string[], string> {
  const { invalid } = parseAllowlist(entries);
  if (invalid.length === 0) return ok(entries.map((e) => e.trim()).filter((e) => e !== ""));
  return err(`not a host name, IP address or CIDR: ${invalid.map((e) => JSON.stringify(e)).join(", ")}`);
}

export function allowsHost(allowlist: Allowlist, host: string): boolean {
  return allowlist.hosts.has(normaliseHost(host));
}

/** An IPv4-mapped (or NAT64, 6to4) address is allowed when the IPv4 address it carries is. */
export function allowsAddress(allowlist: Allowlist, ip: IpAddress): boolean {
  const embedded = embeddedIpv4(ip)?.ip;
  return allowlist.cidrs.some(
    (c) => cidrContains(c, ip) || (embedded !== undefined && cidrContains(c, embedded)),
  );
}

/**
 * A name the URL parser keeps as a name. Numeric spellings (0x7f.1, 10.1) are not: the parser turns
 * them into IPs, so as host entries they would never match.
 */
function isHostName(entry: string): boolean {
  if (!HOST.test(entry)) return false;
  try {
    return new URL(`http://${entry}/`).hostname === entry.toLowerCase();
  } catch {
    return false;
  }
}

function normaliseHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, "");
}
