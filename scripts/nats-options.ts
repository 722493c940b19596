import { readFileSync } from "node:fs";
import { credsAuthenticator, type ConnectionOptions } from "@nats-io/transport-node";

/**
 * Connection options for the helper scripts: NATS_URL, and a creds file from `--creds <file>` or
 * NATS_CREDS. A credential made by Switchboard may receive replies only on its own inbox prefix;
 * the prefix is read from the permissions in its JWT.
 */
export function natsOptions(args: string[], name: string): { options: ConnectionOptions; rest: string[] } {
  const rest = [...args];
  const at = rest.indexOf("--creds");
  const credsFile = at >= 0 ? rest.splice(at, 2)[1] : process.env.NATS_CREDS;
  const options: ConnectionOptions = { servers: process.env.NATS_URL ?? "nats://127.0.0.1:4222", name };
  if (credsFile === undefined || credsFile === "") return { options, rest };
  const creds = readFileSync(credsFile);
  const inbox = inboxPrefixOf(creds.toString("utf8"));
  return {
    options: {
      ...options,
      authenticator: credsAuthenticator(creds),
      ...(inbox ? { inboxPrefix: inbox } : {}),
    },
    rest,
  };
}

function inboxPrefixOf(creds: string): string | undefined {
  const jwt = /-----BEGIN NATS USER JWT-----\s*(\S+)\s*------END NATS USER JWT------/.exec(creds)?.[1];
  const payload = jwt?.split(".")[1];
  if (payload === undefined) return undefined;
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
    nats?: { sub?: { allow?: string[] } };
  };
  const own = claims.nats?.sub?.allow?.find((s) => /^_INBOX_[A-Za-z0-9_-]+\.>$/.test(s));
  return own?.slice(0, -2);
}
