import { readFileSync } from "node:fs";
import { credsAuthenticator, type ConnectionOptions } from "@nats-io/transport-node";
import { inboxPrefixOfCreds } from "@switchboard/bus";

/**
 * Connection options for the helper scripts: NATS_URL, and a creds file from `--creds <file>` or
 * NATS_CREDS. A credential made by Switchboard may receive replies only on its own inbox prefix,
 * which its JWT names.
 */
export function natsOptions(args: string[], name: string): { options: ConnectionOptions; rest: string[] } {
  const rest = [...args];
  const at = rest.indexOf("--creds");
  const credsFile = at >= 0 ? rest.splice(at, 2)[1] : process.env.NATS_CREDS;
  const options: ConnectionOptions = { servers: process.env.NATS_URL ?? "nats://127.0.0.1:4222", name };
  if (credsFile === undefined || credsFile === "") return { options, rest };
  const creds = readFileSync(credsFile);
  const inbox = inboxPrefixOfCreds(creds.toString("utf8"));
  return {
    options: {
      ...options,
      authenticator: credsAuthenticator(creds),
      ...(inbox ? { inboxPrefix: inbox } : {}),
    },
    rest,
  };
}
