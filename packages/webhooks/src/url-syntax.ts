import { err, ok, type Result } from "@switchboard/errors";
import type { DestinationProblem } from "./destination-problem.js";

const MAX_URL_LENGTH = 2048;

/**
 * The checks a URL can pass or fail on its own, for save time: a parseable http(s) URL with a host
 * and no credentials. Whether its host may be reached is checkDestination's question.
 */
export function validateUrlSyntax(url: string): Result<URL, DestinationProblem> {
  if (url.length > MAX_URL_LENGTH)
    return problem("invalid-url", `webhook URLs are limited to ${MAX_URL_LENGTH} characters`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return problem("invalid-url", `${JSON.stringify(shorten(url))} is not a valid absolute URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return problem("scheme", `webhook URLs must use http: or https:, not ${parsed.protocol}`);
  }
  if (parsed.username !== "" || parsed.password !== "") {
    // Credentials in a URL end up in logs and delivery records; the subscription's auth is encrypted.
    return problem(
      "credentials",
      "webhook URLs must not contain credentials (user:password@); use the subscription's auth instead",
    );
  }
  if (parsed.hostname === "") return problem("invalid-url", "webhook URLs need a host");
  return ok(parsed);
}

export function problem(
  code: DestinationProblem["code"],
  message: string,
): { ok: false; error: DestinationProblem } {
  return err({ code, message });
}

function shorten(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
