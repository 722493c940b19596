import { describe, expect, it } from "vitest";
import { validateAllowlist } from "./allowlist.js";
import { checkDestination, type Resolve } from "./destination-check.js";
import { validateUrlSyntax } from "./url-syntax.js";

const resolvingTo =
  (...addresses: string[]): Resolve =>
  async () =>
    addresses;
const neverCalled: Resolve = async (host) => {
  throw new Error(`resolve called for ${host}`);
};

async function problemOf(url: string, resolve: Resolve = neverCalled, allowlist: string[] = []) {
  const result = await checkDestination(url, { allowlist, resolve });
  return result.ok ? undefined : result.error;
}

describe("validateUrlSyntax", () => {
  it.each([
    "ftp://example.com/x",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "data:text/plain,hi",
    "ws://example.com/",
  ])("refuses the scheme of %s", (url) => {
    const result = validateUrlSyntax(url);
    expect(!result.ok && result.error.code).toBe("scheme");
  });

  it.each([
    "https://user:pass@example.com/hook",
    "https://user@example.com/hook",
    "https://:pass@example.com/",
  ])("refuses credentials in %s", (url) => {
    const result = validateUrlSyntax(url);
    expect(!result.ok && result.error).toMatchObject({
      code: "credentials",
      message: expect.stringContaining("auth"),
    });
  });

  it.each([
    "",
    "not a url",
    "/relative/path",
    "http://",
    "https://exa mple.com/",
    `https://example.com/${"x".repeat(2100)}`,
  ])("refuses %j as an invalid URL", (url) => {
    const result = validateUrlSyntax(url);
    expect(!result.ok && result.error.code).toBe("invalid-url");
  });

  it("accepts http and https URLs", () => {
    const result = validateUrlSyntax("https://emr.example/referrals?x=1");
    expect(result.ok && result.value.href).toBe("https://emr.example/referrals?x=1");
    expect(validateUrlSyntax("http://10.0.0.1:8080/").ok).toBe(true); // addresses are checkDestination's job
  });
});

describe("checkDestination: literal addresses", () => {
  it.each([
    ["http://10.0.0.1/", "private", "10.0.0.0/8"],
    ["http://172.16.0.1/", "private", "172.16.0.0/12"],
    ["http://172.31.255.255/", "private", "172.16.0.0/12"],
    ["http://192.168.1.10/", "private", "192.168.0.0/16"],
    ["http://[fc00::1]/", "private (unique local)", "fc00::/7"],
    ["http://[fd12:3456::1]/", "private (unique local)", "fc00::/7"],
    ["http://127.0.0.1:8080/", "loopback", "127.0.0.0/8"],
    ["http://127.8.9.10/", "loopback", "127.0.0.0/8"],
    ["http://[::1]/", "loopback", "::1/128"],
    ["http://169.254.169.254/latest/meta-data/", "link-local", "169.254.0.0/16"],
    ["http://[fe80::1]/", "link-local", "fe80::/10"],
    ["http://0.0.0.0/", "unspecified", "0.0.0.0/32"],
    ["http://[::]/", "unspecified", "::/128"],
    ["http://100.64.0.1/", "carrier-grade NAT", "100.64.0.0/10"],
    ["http://100.127.255.254/", "carrier-grade NAT", "100.64.0.0/10"],
    ["http://224.0.0.1/", "multicast", "224.0.0.0/4"],
    ["http://[ff02::1]/", "multicast", "ff00::/8"],
    ["http://255.255.255.255/", "broadcast", "255.255.255.255/32"],
    ["http://[::ffff:127.0.0.1]/", "IPv4-mapped loopback", "127.0.0.1 in 127.0.0.0/8"],
    ["http://[::ffff:10.0.0.1]/", "IPv4-mapped private", "10.0.0.1 in 10.0.0.0/8"],
    ["http://[::ffff:169.254.169.254]/", "IPv4-mapped link-local", "169.254.169.254 in 169.254.0.0/16"],
    ["http://[64:ff9b::10.0.0.1]/", "NAT64 private", "10.0.0.1 in 10.0.0.0/8"],
    ["http://[2002:a00:1::]/", "6to4 private", "10.0.0.1 in 10.0.0.0/8"],
    ["http://2130706433/", "loopback", "127.0.0.0/8"],
    ["http://0x7f.1/", "loopback", "127.0.0.0/8"],
    ["http://0x7f000001/", "loopback", "127.0.0.0/8"],
    ["http://0177.0.0.1/", "loopback", "127.0.0.0/8"],
    ["http://127.1/", "loopback", "127.0.0.0/8"],
    ["http://017700000001/", "loopback", "127.0.0.0/8"],
    ["http://0xa9.0xfe.0xa9.0xfe/", "link-local", "169.254.0.0/16"],
  ])("refuses %s (%s)", async (url, label, range) => {
    const problem = await problemOf(url);
    expect(problem?.code).toBe("private-address");
    expect(problem?.message).toContain(`${label}`);
    expect(problem?.message).toContain(`(${range})`);
    expect(problem?.message).toContain("SWITCHBOARD_WEBHOOK_ALLOWLIST");
  });

  it("names the address in the message, in its normal spelling", async () => {
    expect((await problemOf("http://0x7f.1/"))?.message).toMatch(/^127\.0\.0\.1 is a loopback address/);
    expect((await problemOf("http://[::ffff:127.0.0.1]/"))?.message).toMatch(
      /^::ffff:7f00:1 is an IPv4-mapped loopback/,
    );
  });

  it.each([
    "http://93.184.215.14/",
    "http://172.32.0.1/",
    "http://100.128.0.1/",
    "https://[2606:4700::1111]/",
    "http://[::ffff:8.8.8.8]/",
  ])("accepts the public address in %s without resolving", async (url) => {
    const result = await checkDestination(url, { allowlist: [], resolve: neverCalled });
    expect(result.ok && result.value.addresses).toHaveLength(1);
  });
});

describe("checkDestination: names", () => {
  it.each([
    ["10.1.2.3", "private"],
    ["192.168.0.1", "private"],
    ["fd00::1", "private (unique local)"],
    ["127.0.0.1", "loopback"],
    ["::1", "loopback"],
    ["169.254.169.254", "link-local"],
    ["fe80::abcd", "link-local"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["100.64.1.1", "carrier-grade NAT"],
    ["239.1.1.1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["::ffff:127.0.0.1", "IPv4-mapped loopback"],
  ])("refuses a name resolving to %s (%s)", async (address, label) => {
    const problem = await problemOf("https://hooks.example/in", resolvingTo(address));
    expect(problem?.code).toBe("private-address");
    expect(problem?.message).toContain(`hooks.example resolves to ${address}, which is`);
    expect(problem?.message).toContain(label);
    expect(problem?.message).toContain(
      "add the host hooks.example or a CIDR containing it to SWITCHBOARD_WEBHOOK_ALLOWLIST",
    );
  });

  it("refuses a name when any of its addresses is private", async () => {
    const problem = await problemOf("https://hooks.example/", resolvingTo("93.184.215.14", "10.0.0.7"));
    expect(problem?.message).toContain("resolves to 10.0.0.7");
  });

  it("accepts a name resolving to public addresses, returning them all", async () => {
    const result = await checkDestination("https://hooks.example/", {
      allowlist: [],
      resolve: resolvingTo("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"),
    });
    expect(result.ok && result.value.addresses).toEqual([
      "93.184.215.14",
      "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
    ]);
    expect(result.ok && result.value.url.hostname).toBe("hooks.example");
  });

  it("uses the system resolver by default: localhost is loopback", async () => {
    const result = await checkDestination("http://localhost:9/", { allowlist: [] });
    expect(!result.ok && result.error.code).toBe("private-address");
  });

  it("turns a DNS failure into a problem", async () => {
    const failing: Resolve = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND nowhere.example"), { code: "ENOTFOUND" });
    };
    expect(await problemOf("https://nowhere.example/", failing)).toEqual({
      code: "unresolvable",
      message: "cannot resolve nowhere.example (ENOTFOUND)",
    });
    expect((await problemOf("https://empty.example/", resolvingTo()))?.code).toBe("unresolvable");
    expect((await problemOf("https://odd.example/", resolvingTo("not-an-ip")))?.code).toBe("unresolvable");
  });
});

describe("checkDestination: the allowlist", () => {
  it("lets through a host it names, whatever that host resolves to", async () => {
    for (const entry of ["sink.internal", "SINK.internal", "sink.internal."]) {
      const result = await checkDestination("http://sink.internal:8080/", {
        allowlist: [entry],
        resolve: resolvingTo("10.0.0.5", "127.0.0.1"),
      });
      expect(result.ok && result.value.addresses).toEqual(["10.0.0.5", "127.0.0.1"]);
    }
  });

  it("lets through addresses inside a CIDR it names, IPv4 and IPv6", async () => {
    const allowlist = ["10.0.0.0/8", "fd00::/8", "127.0.0.1", "::1"];
    for (const [url, resolve] of [
      ["http://10.20.30.40/", neverCalled],
      ["http://127.0.0.1:3000/", neverCalled],
      ["http://[::1]:3000/", neverCalled],
      ["http://[::ffff:127.0.0.1]/", neverCalled],
      ["http://sink.internal/", resolvingTo("fd00::42", "10.0.0.1")],
    ] as const) {
      expect((await checkDestination(url, { allowlist, resolve })).ok, url).toBe(true);
    }
  });

  it("does not stretch beyond what it names", async () => {
    const allowlist = ["10.0.0.0/16", "other.internal", "127.0.0.1"];
    expect((await problemOf("http://10.1.0.1/", neverCalled, allowlist))?.code).toBe("private-address");
    expect((await problemOf("http://127.0.0.2/", neverCalled, allowlist))?.code).toBe("private-address");
    expect(
      (await problemOf("http://sink.internal/", resolvingTo("10.0.0.1", "10.2.0.1"), allowlist))?.message,
    ).toContain("resolves to 10.2.0.1");
  });

  it("is checked at start-up: bad entries are named", () => {
    expect(validateAllowlist([" 127.0.0.1", "10.0.0.0/8", "fd00::/8", "sink.internal", ""])).toEqual({
      ok: true,
      value: ["127.0.0.1", "10.0.0.0/8", "fd00::/8", "sink.internal"],
    });
    const result = validateAllowlist(["10.0.0.0/33", "http://x", "0x7f.1", "ok.example"]);
    expect(!result.ok && result.error).toBe(
      'not a host name, IP address or CIDR: "10.0.0.0/33", "http://x", "0x7f.1"',
    );
  });
});
