import { describe, expect, it } from "vitest";
import { cidrContains, parseCidr, parseIp, type Cidr } from "./ip-address.js";

describe("parseIp", () => {
  it("reads IPv4 and every IPv6 spelling to the same number", () => {
    expect(parseIp("10.1.2.3")).toEqual({ version: 4, value: 0x0a010203n });
    expect(parseIp("::")).toEqual({ version: 6, value: 0n });
    expect(parseIp("::1")).toEqual({ version: 6, value: 1n });
    expect(parseIp("1::")).toEqual({ version: 6, value: 1n << 112n });
    expect(parseIp("[::ffff:1.2.3.4]")).toEqual(parseIp("::ffff:102:304"));
    expect(parseIp("0:0:0:0:0:ffff:102:304")).toEqual(parseIp("::ffff:102:304"));
    expect(parseIp("2001:db8::8:800:200c:417a")?.value).toBe(0x20010db8000000000008080020_0c417an);
    expect(parseIp("fe80::1%eth0")).toEqual(parseIp("fe80::1"));
  });

  it("leaves host names and non-canonical IPv4 spellings alone", () => {
    for (const text of ["example.com", "2130706433", "0x7f.1", "0177.0.0.1", "127.1", "", "1.2.3.4.5"]) {
      expect(parseIp(text)).toBeUndefined();
    }
  });
});

describe("parseCidr", () => {
  it("reads ranges and single addresses, ignoring host bits", () => {
    const net = parseCidr("10.9.8.7/8") as Cidr;
    expect(net).toEqual({ version: 4, base: 0x0a000000n, prefix: 8 });
    expect(cidrContains(net, parseIp("10.255.0.1")!)).toBe(true);
    expect(cidrContains(net, parseIp("11.0.0.1")!)).toBe(false);
    expect(parseCidr("::1")).toEqual({ version: 6, base: 1n, prefix: 128 });
    expect(cidrContains(parseCidr("fd00::/8")!, parseIp("fd12::1")!)).toBe(true);
    expect(cidrContains(parseCidr("0.0.0.0/0")!, parseIp("::1")!)).toBe(false);
  });

  it("refuses malformed ranges", () => {
    for (const text of ["10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0/8", "host/8"]) {
      expect(parseCidr(text)).toBeUndefined();
    }
  });
});
