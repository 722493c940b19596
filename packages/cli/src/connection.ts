import { assertOrgId } from "@switchboard/events";
import { UsageError } from "./errors.js";

export interface Connection {
  url: string;
  key: string;
  org: string;
}

type Flags = Record<string, string | boolean | undefined>;

const SOURCES = [
  ["url", "SWITCHBOARD_URL"],
  ["key", "SWITCHBOARD_KEY"],
  ["org", "SWITCHBOARD_ORG"],
] as const;

/** Flags first, then the environment (passed in, not read here); every missing one is named at once. */
export function resolveConnection(
  flags: Flags,
  env: Record<string, string | undefined>,
  command: string,
): Connection {
  const values: Partial<Connection> = {};
  const missing: string[] = [];
  for (const [flag, variable] of SOURCES) {
    const given = flags[flag];
    const value = typeof given === "string" ? given : env[variable];
    if (value === undefined || value.trim() === "") missing.push(`--${flag} (or ${variable})`);
    else values[flag] = value.trim();
  }
  if (missing.length > 0) throw new UsageError(`missing ${missing.join(", ")}`, command);
  const { url, key, org } = values as Connection;
  return { url: checkUrl(url, command), key, org: checkOrg(org, command) };
}

function checkUrl(url: string, command: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(
      `the API URL ${JSON.stringify(url)} is not a URL (e.g. http://localhost:8080)`,
      command,
    );
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new UsageError(`the API URL ${JSON.stringify(url)} must start with http:// or https://`, command);
  }
  return url.replace(/\/+$/, "");
}

function checkOrg(org: string, command: string): string {
  try {
    return assertOrgId(org);
  } catch (error) {
    throw new UsageError((error as Error).message, command, { cause: error });
  }
}
