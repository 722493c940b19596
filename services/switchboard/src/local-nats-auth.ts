import fs from "node:fs";
import path from "node:path";
import type { Logger } from "@switchboard/logger";
import {
  createTrustChain,
  issueUser,
  issuerOf,
  publicKeyOf,
  SERVICE_NAMES,
  serverAuthConfig,
  servicePermissions,
  systemUserCreds,
  type TrustChain,
} from "@switchboard/nats-auth";

/** What the all-in-one runner's nats-server and its services need to authenticate. */
export interface LocalNatsAuth {
  /** The configuration part that turns authentication on (operator, accounts, resolver). */
  serverConfig: string;
  /** The issuer file tenancy hands out third parties' credentials with. */
  issuerFile: string;
  /** The application account, which owns the JetStream store. */
  accountPublicKey: string;
  /** A user for this process's services, minted at every start. */
  serviceCreds(namespace: string): Promise<string>;
}

/**
 * The operator and account keys of an all-in-one deployment, made on its first start in
 * `<dataDir>/nats-auth` (dir 0700, files 0600) and reused on every later one.
 */
export async function ensureLocalNatsAuth(dataDir: string, logger: Logger): Promise<LocalNatsAuth> {
  const dir = path.join(dataDir, "nats-auth");
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const chainFile = path.join(dir, "trust-chain.json");
  let chain: TrustChain;
  if (fs.existsSync(chainFile)) {
    chain = JSON.parse(fs.readFileSync(chainFile, "utf8")) as TrustChain;
  } else {
    chain = await createTrustChain();
    writeSecret(chainFile, JSON.stringify(chain, null, 2));
    logger.info({ dir }, "created the NATS operator and account keys");
  }
  // The system user is minted at every start, so a chain made by an earlier version gets the
  // permissions added since (hearing of connections, for the credentials' health).
  const systemUser = await systemUserCreds({
    systemAccountSeed: chain.systemAccountSeed,
    accountSeed: chain.account.seed,
  });
  const issuerFile = path.join(dir, "issuer.json");
  writeSecret(issuerFile, JSON.stringify(issuerOf({ ...chain, systemUserCreds: systemUser }), null, 2));
  const accountPublicKey = publicKeyOf(chain.account.seed);
  return {
    serverConfig: await serverAuthConfig(chain, { resolverDir: path.join(dataDir, "nats", "jwt") }),
    issuerFile,
    accountPublicKey,
    async serviceCreds(namespace) {
      const user = await issueUser(issuerOf(chain), {
        name: `switchboard-${process.pid}`,
        permissions: servicePermissions(namespace, SERVICE_NAMES),
      });
      return user.creds;
    },
  };
}

function writeSecret(file: string, text: string): void {
  fs.writeFileSync(file, text, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

/**
 * A store made before authentication kept its streams in the server's global account (`$G`); with
 * operator mode they belong to the application account, whose directory is named by its public key.
 * Moving the directory carries every stream, message and consumer over.
 */
export function adoptUnauthenticatedStore(storeDir: string, accountPublicKey: string, logger: Logger): void {
  const jetstream = path.join(storeDir, "jetstream");
  const global = path.join(jetstream, "$G");
  const account = path.join(jetstream, accountPublicKey);
  if (!fs.existsSync(global)) return;
  if (fs.existsSync(account)) {
    logger.warn(
      { global, account },
      "the JetStream store holds streams of the unauthenticated global account beside the application account's; the global ones are left where they are",
    );
    return;
  }
  fs.renameSync(global, account);
  logger.info(
    { account: accountPublicKey },
    "moved the streams of the unauthenticated store to the application account",
  );
}
