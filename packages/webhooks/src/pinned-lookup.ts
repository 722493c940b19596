import { isIPv6, type LookupFunction } from "node:net";

/**
 * A DNS lookup that answers only with addresses the SSRF guard approved. Handing it to the
 * connection means the name is not resolved again between check and connect, so a DNS answer that
 * changes in between (rebinding) cannot send the request somewhere else.
 */
export function pinnedLookup(addresses: readonly string[]): LookupFunction {
  const entries = addresses.map((address) => ({ address, family: isIPv6(address) ? 6 : 4 }));
  return (hostname, options, callback) => {
    const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : options.family;
    const usable = entries.filter((e) => !family || e.family === family);
    const first = usable[0];
    if (first === undefined) {
      const error = Object.assign(new Error(`no checked IPv${family} address for ${hostname}`), {
        code: "ENOTFOUND",
      });
      callback(error, "", 0);
    } else if (options.all) callback(null, usable);
    else callback(null, first.address, first.family);
  };
}
