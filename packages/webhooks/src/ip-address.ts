import { isIPv4, isIPv6 } from "node:net";

/** An IP address as a number, so that range checks are plain arithmetic. */
export interface IpAddress {
  readonly version: 4 | 6;
  readonly value: bigint;
}

export interface Cidr {
  readonly version: 4 | 6;
  readonly base: bigint;
  readonly prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;

/**
 * Parses a dotted-quad IPv4 or an IPv6 address (brackets and a zone id allowed). Only canonical
 * spellings are accepted: decimal, octal and hex IPv4 forms are normalised by the URL parser before
 * they get here, and anything else is a host name.
 */
export function parseIp(text: string): IpAddress | undefined {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (isIPv4(bare)) return { version: 4, value: parseV4(bare) };
  if (isIPv6(bare)) return { version: 6, value: parseV6(bare.replace(/%.*$/, "")) };
  return undefined;
}

function parseV4(text: string): bigint {
  return text.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function parseV6(text: string): bigint {
  // An embedded IPv4 tail (::ffff:1.2.3.4) stands for the last two 16-bit groups.
  const lastColon = text.lastIndexOf(":");
  const hex = text.includes(".")
    ? `${text.slice(0, lastColon + 1)}${v4AsGroups(text.slice(lastColon + 1))}`
    : text;
  const parse = (part: string): bigint[] => (part === "" ? [] : part.split(":").map((g) => BigInt(`0x${g}`)));
  const [head = "", tail] = hex.split("::");
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const groups = [...left, ...Array<bigint>(8 - left.length - right.length).fill(0n), ...right];
  return groups.reduce((acc, group) => (acc << 16n) | group, 0n);
}

function v4AsGroups(text: string): string {
  const v4 = parseV4(text);
  return `${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
}

/** `a.b.c.d/n`, `x::/n`, or a bare address (a single-address range). Host bits are ignored. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (ip === undefined) return undefined;
  const bits = BITS[ip.version];
  const prefixText = slash < 0 ? String(bits) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return undefined;
  const prefix = Number(prefixText);
  return { version: ip.version, base: mask(ip.value, bits, prefix), prefix };
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  return cidr.version === ip.version && mask(ip.value, BITS[ip.version], cidr.prefix) === cidr.base;
}

function mask(value: bigint, bits: number, prefix: number): bigint {
  const shift = BigInt(bits - prefix);
  return (value >> shift) << shift;
}

/** Dotted-quad text of an IPv4 address (IPv6 addresses are shown as they were written). */
export function formatIpv4(ip: IpAddress): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((ip.value >> shift) & 0xffn)).join(".");
}
