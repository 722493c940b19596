/**
 * What nats-server (2.9 and later) tells its system account about the connections of an account's
 * users: `$SYS.ACCOUNT.<account>.CONNECT` when one is accepted, `…DISCONNECT` with the reason when
 * one ends, and `$SYS.SERVER.<server>.CLIENT.AUTH.ERR` when a server refuses one at authentication
 * (a bad, revoked or expired credential). It does not report a refused publish or subscription
 * (a permissions violation): the server tells only that client, and its own log.
 */
export function connectionEventSubjects(accountPublicKey: string): readonly string[] {
  return [
    `$SYS.ACCOUNT.${accountPublicKey}.CONNECT`,
    `$SYS.ACCOUNT.${accountPublicKey}.DISCONNECT`,
    "$SYS.SERVER.*.CLIENT.AUTH.ERR",
  ];
}

/** One such event, about the user (public key) it names. */
export type ConnectionEvent =
  | { kind: "connected"; user: string; at: Date }
  | { kind: "disconnected"; user: string; at: Date; reason: string; authorization: boolean }
  | { kind: "refused"; user: string; at: Date; reason: string };

/** Disconnect reasons (nats-server's `ClosedState` texts) that say the server stopped trusting the user. */
const AUTHORIZATION_REASONS = new Set([
  "Authentication Failure",
  "Authentication Expired",
  "Credentials Revoked",
]);

const USER_KEY = /^U[A-Z2-7]{55}$/;

interface ServerEvent {
  type?: unknown;
  timestamp?: unknown;
  reason?: unknown;
  client?: { user?: unknown; jwt?: unknown; stop?: unknown };
}

/** Reads one event; undefined for anything else, or one that names no user key. */
export function parseConnectionEvent(subject: string, data: Uint8Array): ConnectionEvent | undefined {
  let event: ServerEvent;
  try {
    event = JSON.parse(new TextDecoder().decode(data)) as ServerEvent;
  } catch {
    return undefined;
  }
  const user = userOf(event.client);
  if (user === undefined) return undefined;
  const at = timeOf(event.timestamp) ?? timeOf(event.client?.stop) ?? new Date();
  const reason = typeof event.reason === "string" ? event.reason : "";
  if (subject.endsWith(".CLIENT.AUTH.ERR")) return { kind: "refused", user, at, reason: reason || "refused" };
  if (subject.endsWith(".DISCONNECT"))
    return { kind: "disconnected", user, at, reason, authorization: AUTHORIZATION_REASONS.has(reason) };
  if (subject.endsWith(".CONNECT")) return { kind: "connected", user, at };
  return undefined;
}

/**
 * The user's public key: the event's `user` for a user known to the server; for one refused before
 * that (the server had not read its key yet), the subject of the JWT it presented. The JWT's
 * signature is not checked: the event comes from the server, which did.
 */
function userOf(client: ServerEvent["client"]): string | undefined {
  if (typeof client?.user === "string" && USER_KEY.test(client.user)) return client.user;
  if (typeof client?.jwt !== "string") return undefined;
  const payload = client.jwt.split(".")[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { sub?: unknown };
    return typeof claims.sub === "string" && USER_KEY.test(claims.sub) ? claims.sub : undefined;
  } catch {
    return undefined;
  }
}

function timeOf(value: unknown): Date | undefined {
  if (typeof value !== "string") return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
