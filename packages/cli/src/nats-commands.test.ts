import { readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connectionEventSubjects, publicKeyOf, type Issuer, type TrustChain } from "@switchboard/nats-auth";
import { fixtureDir, runCommand } from "./test-fixtures.js";

/** The claims of the user JWT in a creds file (its middle part, base64url JSON). */
function userClaims(creds: string): { iss: string; name: string; nats: { sub: { allow: string[] } } } {
  const jwt = /-----BEGIN NATS USER JWT-----\s+(\S+)/.exec(creds)![1]!;
  return JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8"));
}

describe("switchboard nats", () => {
  const work = fixtureDir();
  afterAll(() => work.remove());
  const dir = path.join(work.dir, "nats-auth");
  const readJson = <T>(file: string) => JSON.parse(readFileSync(path.join(dir, file), "utf8")) as T;

  it("issuer gives a dir an earlier version made a system user that hears connection events, every key kept", async () => {
    const init = await runCommand(["nats", "init", dir], { cwd: work.dir });
    expect(init.code).toBe(0);
    // As an earlier version wrote it: a system user that may push account JWTs only.
    const chain = readJson<TrustChain>("trust-chain.json");
    const issuer = readJson<Issuer>("issuer.json");
    const older = readFileSync(path.join(dir, "creds", "tenancy.creds"), "utf8"); // any other user's creds
    writeFileSync(path.join(dir, "issuer.json"), JSON.stringify({ ...issuer, systemUserCreds: older }));
    writeFileSync(path.join(dir, "trust-chain.json"), JSON.stringify({ ...chain, systemUserCreds: older }));

    const renewed = await runCommand(["nats", "issuer", dir], { cwd: work.dir });
    expect(renewed.code).toBe(0);
    expect(renewed.stdout).toContain("Hand the new issuer.json to tenancy");
    const newIssuer = readJson<Issuer>("issuer.json");
    const newChain = readJson<TrustChain>("trust-chain.json");
    const { systemUserCreds } = newIssuer;
    expect(systemUserCreds).not.toBe(older);
    expect({ ...newIssuer, systemUserCreds: "" }).toEqual({ ...issuer, systemUserCreds: "" });
    expect({ ...newChain, systemUserCreds: "" }).toEqual({ ...chain, systemUserCreds: "" });
    expect(newChain.systemUserCreds).toBe(systemUserCreds);
    const claims = userClaims(systemUserCreds);
    expect(claims.iss).toBe(publicKeyOf(chain.systemAccountSeed));
    expect(claims.nats.sub.allow).toEqual(
      expect.arrayContaining([...connectionEventSubjects(publicKeyOf(chain.account.seed))]),
    );
    for (const file of ["issuer.json", "trust-chain.json"])
      expect(statSync(path.join(dir, file)).mode & 0o777).toBe(0o600);
  });

  it("issuer refuses a dir without a key chain, saying what to run", async () => {
    const missing = path.join(work.dir, "empty");
    const refused = await runCommand(["nats", "issuer", missing], { cwd: work.dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`has no trust-chain.json; run "switchboard nats init ${missing}" first`);
    expect((await runCommand(["nats", "issuer"], { cwd: work.dir })).stderr).toContain(
      "a directory is required",
    );
  });
});
