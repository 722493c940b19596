import { ValidationError } from "@switchboard/errors";
import { checkDestination, validateUrlSyntax, type Resolve } from "@switchboard/webhooks";

/**
 * For save time: the URL must be http(s) without credentials and must not point at a private,
 * loopback or link-local address unless the allowlist names it. A name that does not resolve yet
 * is accepted (DNS may be set up after the subscription): every delivery checks the destination
 * again and refuses to connect to a forbidden address, so accepting it opens nothing.
 */
export async function checkDestinationUrl(
  url: string,
  allowlist: readonly string[],
  resolve?: Resolve,
): Promise<string> {
  const syntax = validateUrlSyntax(url);
  if (!syntax.ok) throw invalidUrl(syntax.error.message);
  const checked = await checkDestination(url, { allowlist, ...(resolve ? { resolve } : {}) });
  if (!checked.ok && checked.error.code !== "unresolvable") throw invalidUrl(checked.error.message);
  return syntax.value.href;
}

const invalidUrl = (message: string): ValidationError =>
  new ValidationError(`url: ${message}`, { details: [{ path: "body/url", message }] });
