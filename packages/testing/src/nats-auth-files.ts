import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  createTrustChain,
  issueUser,
  issuerOf,
  SERVICE_NAMES,
  serverAuthConfig,
  servicePermissions,
  type IssuedUser,
  type Issuer,
  type TrustChain,
  type UserPermissions,
} from "@switchboard/nats-auth";

/** A test server's authentication: its keys, and credentials made from them on demand. */
export interface NatsAuth {
  chain: TrustChain;
  issuer: Issuer;
  /** The issuer as a file (0600), for SWITCHBOARD_NATS_ISSUER_FILE. */
  issuerFile: string;
  /** A user of the application account with these permissions. */
  issue(name: string, permissions: UserPermissions, expiresAt?: Date): Promise<IssuedUser>;
  /** A creds file of a service user (every service by default) in `namespace` (default "switchboard"). */
  serviceCredsFile(options?: { services?: readonly string[]; namespace?: string }): Promise<string>;
  /** A test's own user that may publish and subscribe anywhere in the application account. */
  adminCreds: string;
  /**
   * The environment a Switchboard process running `services` (every one by default) connects with:
   * its own creds file, and the issuer when it runs tenancy.
   */
  processEnv(services?: readonly string[]): Promise<Record<string, string>>;
}

const ANYTHING: UserPermissions = {
  pub: { allow: [">"], deny: [] },
  sub: { allow: [">"], deny: [] },
};

/** Makes a trust chain and writes what a server and Switchboard's processes read into `dir`. */
export async function createNatsAuth(dir: string): Promise<NatsAuth> {
  const chain = await createTrustChain("switchboard-test");
  const issuer = issuerOf(chain);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const issuerFile = path.join(dir, "issuer.json");
  await writeSecret(issuerFile, JSON.stringify(issuer));
  const issue = (name: string, permissions: UserPermissions, expiresAt?: Date) =>
    issueUser(issuer, { name, permissions, ...(expiresAt ? { expiresAt } : {}) });
  const admin = await issue("test-admin", ANYTHING);
  let n = 0;
  const serviceCredsFile: NatsAuth["serviceCredsFile"] = async (options = {}) => {
    const services = options.services ?? SERVICE_NAMES;
    const user = await issue(
      `services:${services.join(",")}`,
      servicePermissions(options.namespace ?? "switchboard", services),
    );
    const file = path.join(dir, `service-${++n}.creds`);
    await writeSecret(file, user.creds);
    return file;
  };
  return {
    chain,
    issuer,
    issuerFile,
    issue,
    adminCreds: admin.creds,
    serviceCredsFile,
    async processEnv(services = SERVICE_NAMES) {
      return {
        NATS_CREDS: await serviceCredsFile({ services }),
        ...(services.includes("tenancy") ? { SWITCHBOARD_NATS_ISSUER_FILE: issuerFile } : {}),
      };
    },
  };
}

/** The server configuration's authentication part, with the resolver's directory. */
export function natsAuthConfig(auth: NatsAuth, resolverDir: string): Promise<string> {
  return serverAuthConfig(auth.chain, { resolverDir });
}

async function writeSecret(file: string, text: string): Promise<void> {
  await writeFile(file, text, { mode: 0o600 });
  await chmod(file, 0o600);
}
