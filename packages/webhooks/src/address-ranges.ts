import { cidrContains, formatIpv4, parseCidr, type Cidr, type IpAddress } from "./ip-address.js";

/** Why an address is off limits: what it is and the range that says so. */
export interface ForbiddenRange {
  readonly label: string;
  readonly range: string;
}

/**
 * Ranges a webhook may not reach unless allowlisted: everything that is not a routable public
 * unicast address. More specific ranges come first so the message names the closest one.
 */
const FORBIDDEN: ReadonlyArray<readonly [string, string]> = [
  ["0.0.0.0/32", "unspecified"],
  ["0.0.0.0/8", 'reserved ("this network")'],
  ["10.0.0.0/8", "private"],
  ["100.64.0.0/10", "carrier-grade NAT (shared)"],
  ["127.0.0.0/8", "loopback"],
  ["169.254.0.0/16", "link-local (incl. cloud metadata)"],
  ["172.16.0.0/12", "private"],
  ["192.0.0.0/24", "reserved (IETF protocol assignments)"],
  ["192.0.2.0/24", "documentation"],
  ["192.88.99.0/24", "reserved (6to4 relay)"],
  ["192.168.0.0/16", "private"],
  ["198.18.0.0/15", "reserved (benchmarking)"],
  ["198.51.100.0/24", "documentation"],
  ["203.0.113.0/24", "documentation"],
  ["224.0.0.0/4", "multicast"],
  ["255.255.255.255/32", "broadcast"],
  ["240.0.0.0/4", "reserved"],
  ["::/128", "unspecified"],
  ["::1/128", "loopback"],
  ["::/96", "reserved (IPv4-compatible)"],
  ["64:ff9b:1::/48", "reserved (local-use NAT64)"],
  ["100::/64", "reserved (discard-only)"],
  ["2001:db8::/32", "documentation"],
  ["fc00::/7", "private (unique local)"],
  ["fe80::/10", "link-local"],
  ["fec0::/10", "private (site-local)"],
  ["ff00::/8", "multicast"],
];

const RANGES: ReadonlyArray<{ cidr: Cidr } & ForbiddenRange> = FORBIDDEN.map(([range, label]) => ({
  cidr: parseCidr(range) as Cidr,
  range,
  label,
}));

/**
 * IPv6 forms that a connection turns into an IPv4 destination: IPv4-mapped (::ffff:a.b.c.d), the
 * well-known NAT64 prefix and 6to4. They are judged by the IPv4 address they carry.
 */
const EMBEDDING: ReadonlyArray<{ cidr: Cidr; label: string; extract: (value: bigint) => bigint }> = [
  { cidr: parseCidr("::ffff:0:0/96") as Cidr, label: "IPv4-mapped", extract: (v) => v & 0xffffffffn },
  { cidr: parseCidr("64:ff9b::/96") as Cidr, label: "NAT64", extract: (v) => v & 0xffffffffn },
  { cidr: parseCidr("2002::/16") as Cidr, label: "6to4", extract: (v) => (v >> 80n) & 0xffffffffn },
];

/** The IPv4 address an IPv6 address stands for, with the name of the form, if it embeds one. */
export function embeddedIpv4(ip: IpAddress): { ip: IpAddress; form: string } | undefined {
  const match = EMBEDDING.find((e) => cidrContains(e.cidr, ip));
  return match && { ip: { version: 4, value: match.extract(ip.value) }, form: match.label };
}

/** The forbidden range an address falls in, or undefined for a public unicast address. */
export function forbiddenRange(ip: IpAddress): ForbiddenRange | undefined {
  const embedded = embeddedIpv4(ip);
  if (embedded !== undefined) {
    const inner = forbiddenRange(embedded.ip);
    return (
      inner && {
        label: `${embedded.form} ${inner.label}`,
        range: `${formatIpv4(embedded.ip)} in ${inner.range}`,
      }
    );
  }
  return RANGES.find((r) => cidrContains(r.cidr, ip));
}
