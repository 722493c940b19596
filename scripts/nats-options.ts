import { readFileSync } from "node:fs";
import {
  connect,
  credsAuthenticator,
  type ConnectionOptions,
  type NatsConnection,
} from "@nats-io/transport-node";
import { inboxPrefixOfCreds } from "@switchboard/bus";
import { fail, reason } from "./fail.js";

/**
 * Connection options for the helper scripts: NATS_URL, and a creds file from `--creds <file>` or
 * NATS_CREDS. A credential made by Switchboard may receive replies only on its own inbox prefix,
 * which its JWT names.
 */
export function natsOptions(args: string[], name: string): { options: ConnectionOptions; rest: string[] } {
  const rest = [...args];
  const at = rest.indexOf("--creds");
  const credsFile = at >= 0 ? rest.splice(at, 2)[1] : process.env.NATS_CREDS;
  if (at >= 0 && (credsFile === undefined || credsFile.startsWith("--")))
    fail("--creds needs the credentials file after it: --creds <file>");
  const options: ConnectionOptions = { servers: process.env.NATS_URL ?? "nats://127.0.0.1:4222", name };
  if (credsFile === undefined || credsFile === "") return { options, rest };
  let creds: Buffer;
  try {
    creds = readFileSync(credsFile);
  } catch (error) {
    fail(`cannot read the NATS credentials file ${credsFile}: ${reason(error)}`);
  }
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

/** Connects, or ends the script saying which server it could not reach and why. */
export async function connectOrFail(options: ConnectionOptions): Promise<NatsConnection> {
  try {
    return await connect(options);
  } catch (error) {
    return fail(`cannot connect to NATS at ${String(options.servers)}: ${(error as Error).message}`);
  }
}
