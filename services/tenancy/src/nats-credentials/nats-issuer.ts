import { readFileSync } from "node:fs";
import { ConfigError } from "@switchboard/errors";
import { parseIssuer, type Issuer } from "@switchboard/nats-auth";

const VARIABLE = "SWITCHBOARD_NATS_ISSUER_FILE";

/** The issuer named by SWITCHBOARD_NATS_ISSUER_FILE; undefined when NATS credentials are off. */
export function loadIssuer(file: string | undefined): Issuer | undefined {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(VARIABLE, `cannot read ${file}: ${(error as Error).message}`);
  }
  const parsed = parseIssuer(text);
  if (!parsed.ok) throw new ConfigError(VARIABLE, `${file} ${parsed.error}`);
  return parsed.value;
}
