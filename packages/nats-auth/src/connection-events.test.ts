import { describe, expect, it } from "vitest";
import { decode, type User } from "@nats-io/jwt";
import { createUser } from "@nats-io/nkeys";
import { connectionEventSubjects, parseConnectionEvent } from "./connection-events.js";
import { createTrustChain, publicKeyOf, systemUserCreds } from "./trust-chain.js";

const user = createUser().getPublicKey();
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const at = "2026-12-03T10:42:00.123Z";
const jwtFor = (sub: string) =>
  ["e30", Buffer.from(JSON.stringify({ sub })).toString("base64url"), "c2ln"].join(".");

describe("connectionEventSubjects", () => {
  it("names the account's connect and disconnect events and every server's authentication errors", () => {
    expect(connectionEventSubjects("AABC")).toEqual([
      "$SYS.ACCOUNT.AABC.CONNECT",
      "$SYS.ACCOUNT.AABC.DISCONNECT",
      "$SYS.SERVER.*.CLIENT.AUTH.ERR",
    ]);
  });
});

describe("the system user", () => {
  it("may hear the application account's connection events, also when minted again for an older chain", async () => {
    const chain = await createTrustChain();
    const wanted = connectionEventSubjects(publicKeyOf(chain.account.seed));
    const again = await systemUserCreds({
      systemAccountSeed: chain.systemAccountSeed,
      accountSeed: chain.account.seed,
    });
    for (const creds of [chain.systemUserCreds, again]) {
      const jwt = /-----BEGIN NATS USER JWT-----\s+(\S+)/.exec(creds)![1]!;
      const claims = decode<User>(jwt);
      expect(claims.nats.sub?.allow).toEqual(["_INBOX.>", ...wanted]);
      expect(claims.iss).toBe(publicKeyOf(chain.systemAccountSeed));
    }
  });
});

describe("parseConnectionEvent", () => {
  it("reads a connection accepted, with the user's key and the server's time", () => {
    const event = parseConnectionEvent(
      "$SYS.ACCOUNT.AABC.CONNECT",
      encode({ type: "io.nats.server.advisory.v1.client_connect", timestamp: at, client: { user } }),
    );
    expect(event).toEqual({ kind: "connected", user, at: new Date(at) });
  });

  it("tells a disconnect for an authorization reason from an ordinary one", () => {
    const revoked = parseConnectionEvent(
      "$SYS.ACCOUNT.AABC.DISCONNECT",
      encode({ timestamp: at, client: { user }, reason: "Credentials Revoked" }),
    );
    expect(revoked).toMatchObject({
      kind: "disconnected",
      reason: "Credentials Revoked",
      authorization: true,
    });
    const closed = parseConnectionEvent(
      "$SYS.ACCOUNT.AABC.DISCONNECT",
      encode({ timestamp: at, client: { user }, reason: "Client Closed" }),
    );
    expect(closed).toMatchObject({ kind: "disconnected", authorization: false });
  });

  it("finds a refused user by the JWT it presented when the server had not read its key", () => {
    const event = parseConnectionEvent(
      "$SYS.SERVER.NABC.CLIENT.AUTH.ERR",
      encode({ timestamp: at, client: { jwt: jwtFor(user) }, reason: "Authentication Failure" }),
    );
    expect(event).toEqual({ kind: "refused", user, at: new Date(at), reason: "Authentication Failure" });
  });

  it("ignores what names no user key, and what is not JSON", () => {
    expect(
      parseConnectionEvent("$SYS.ACCOUNT.AABC.CONNECT", encode({ client: { user: "bob" } })),
    ).toBeUndefined();
    expect(
      parseConnectionEvent("$SYS.SERVER.N.CLIENT.AUTH.ERR", encode({ client: { jwt: "not.a-jwt.x" } })),
    ).toBeUndefined();
    expect(parseConnectionEvent("$SYS.ACCOUNT.AABC.CONNECT", new TextEncoder().encode("{"))).toBeUndefined();
  });
});
