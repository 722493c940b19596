import fs from "node:fs";
import path from "node:path";
import {
  createTrustChain,
  issueUser,
  issuerOf,
  SERVICE_NAMES,
  serverAuth,
  serverAuthConfig,
  servicePermissions,
  systemUserCreds,
  type TrustChain,
} from "@switchboard/nats-auth";
import type { FlagSpec, ParsedCommandLine } from "../args.js";
import { ExitCodes, UsageError, type ExitCode } from "../errors.js";
import type { CliIo } from "../io.js";

export const NATS_INIT_FLAGS: FlagSpec = { namespace: { type: "string" }, operator: { type: "string" } };
export const NATS_ISSUER_FLAGS: FlagSpec = {};
export const NATS_CREDS_FLAGS: FlagSpec = {
  services: { type: "string" },
  namespace: { type: "string" },
  out: { type: "string" },
};

const CHAIN_FILE = "trust-chain.json";
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * `switchboard nats init <dir>`: a deployment's NATS authentication, made once. Writes the server's
 * `auth.conf` (public: the operator and the accounts), the issuer tenancy signs third parties'
 * credentials with, a creds file per service (and one for a process running them all), and the
 * whole key chain, to be kept offline.
 */
export async function runNatsInit(args: ParsedCommandLine, io: CliIo): Promise<ExitCode> {
  const dir = onlyPositional(args, "nats init");
  const namespace = tokenFlag(args, "namespace", "nats init") ?? "switchboard";
  const operator = tokenFlag(args, "operator", "nats init") ?? "switchboard";
  if (fs.existsSync(path.join(dir, CHAIN_FILE))) {
    io.err(`switchboard: ${dir} already holds a key chain (${CHAIN_FILE}); nothing was changed`);
    return ExitCodes.Problems;
  }
  const chain = await createTrustChain(operator);
  fs.mkdirSync(path.join(dir, "creds"), { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  writeSecret(path.join(dir, CHAIN_FILE), JSON.stringify(chain, null, 2));
  writeSecret(path.join(dir, "issuer.json"), JSON.stringify(issuerOf(chain), null, 2));
  fs.writeFileSync(
    path.join(dir, "auth.conf"),
    await serverAuthConfig(chain, { resolverDir: "$NATS_RESOLVER_DIR" }),
    { mode: 0o644 },
  );
  fs.writeFileSync(path.join(dir, "helm-auth-values.yaml"), await helmValues(chain), { mode: 0o644 });
  for (const service of SERVICE_NAMES) await writeCreds(chain, dir, namespace, [service], service);
  await writeCreds(chain, dir, namespace, SERVICE_NAMES, "switchboard");
  io.out(
    [
      `NATS authentication written to ${dir}:`,
      `  auth.conf             beside the nats-server configs (deploy/nats): operator, accounts, resolver`,
      `  helm-auth-values.yaml the same for the NATS Helm chart: helm … -f deploy/helm/nats-values.yaml -f <this>`,
      `  issuer.json           secret: tenancy's SWITCHBOARD_NATS_ISSUER_FILE`,
      `  creds/<service>.creds secret: each service's NATS_CREDS; creds/switchboard.creds runs them all`,
      `  ${CHAIN_FILE}     secret: every key; keep it offline, it makes more creds (switchboard nats creds)`,
    ].join("\n"),
  );
  return ExitCodes.Ok;
}

/** `switchboard nats creds <dir> --services a,b`: one more service user from an initialised dir. */
export async function runNatsCreds(args: ParsedCommandLine, io: CliIo): Promise<ExitCode> {
  const dir = onlyPositional(args, "nats creds");
  const namespace = tokenFlag(args, "namespace", "nats creds") ?? "switchboard";
  const listed =
    typeof args.flags.services === "string" ? args.flags.services.split(",").map((s) => s.trim()) : [];
  if (listed.length === 0)
    throw new UsageError("--services is required, e.g. --services forms,plans", "nats creds");
  const unknown = listed.filter((s) => !(SERVICE_NAMES as readonly string[]).includes(s));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown service(s) ${unknown.join(", ")}; known: ${SERVICE_NAMES.join(", ")}`,
      "nats creds",
    );
  }
  const chain = readChain(dir, io);
  if (chain === undefined) return ExitCodes.Problems;
  const user = await issueUser(issuerOf(chain), {
    name: `services:${listed.join(",")}`,
    permissions: servicePermissions(namespace, listed),
  });
  const out = typeof args.flags.out === "string" ? args.flags.out : undefined;
  if (out === undefined) io.out(user.creds);
  else writeSecret(out, user.creds);
  return ExitCodes.Ok;
}

/**
 * `switchboard nats issuer <dir>`: a new `issuer.json` (and the chain's system user) with the
 * permissions this version gives the system user, for a dir an earlier version initialised (its
 * system user cannot hear the connection events that NATS credentials' health counts). Every key
 * stays; only the system user is minted again. The earlier system user stays valid.
 */
export async function runNatsIssuer(args: ParsedCommandLine, io: CliIo): Promise<ExitCode> {
  const dir = onlyPositional(args, "nats issuer");
  const chain = readChain(dir, io);
  if (chain === undefined) return ExitCodes.Problems;
  const renewed: TrustChain = {
    ...chain,
    systemUserCreds: await systemUserCreds({
      systemAccountSeed: chain.systemAccountSeed,
      accountSeed: chain.account.seed,
    }),
  };
  writeSecret(path.join(dir, CHAIN_FILE), JSON.stringify(renewed, null, 2));
  writeSecret(path.join(dir, "issuer.json"), JSON.stringify(issuerOf(renewed), null, 2));
  io.out(
    [
      `A new system user written to ${dir}/issuer.json (and ${CHAIN_FILE}); every key is unchanged.`,
      `Hand the new issuer.json to tenancy (SWITCHBOARD_NATS_ISSUER_FILE) and restart it.`,
    ].join("\n"),
  );
  return ExitCodes.Ok;
}

/** The dir's key chain, or undefined with the reason told. */
function readChain(dir: string, io: CliIo): TrustChain | undefined {
  const file = path.join(dir, CHAIN_FILE);
  if (!fs.existsSync(file)) {
    io.err(`switchboard: ${dir} has no ${CHAIN_FILE}; run "switchboard nats init ${dir}" first`);
    return undefined;
  }
  return JSON.parse(fs.readFileSync(file, "utf8")) as TrustChain;
}

/** The official NATS chart's values for the same: operator, system account, preloaded accounts. */
async function helmValues(chain: TrustChain): Promise<string> {
  const auth = await serverAuth(chain);
  return [
    "# Written by `switchboard nats init`: this deployment's operator and accounts (public, no secret).",
    "# Pass after deploy/helm/nats-values.yaml, which turns on the full account resolver.",
    "config:",
    "  merge:",
    `    operator: ${JSON.stringify(auth.operatorJwt)}`,
    `    system_account: ${auth.systemAccount}`,
    "    resolver_preload:",
    ...Object.entries(auth.preload).map(([account, jwt]) => `      ${account}: ${JSON.stringify(jwt)}`),
    "",
  ].join("\n");
}

async function writeCreds(
  chain: TrustChain,
  dir: string,
  namespace: string,
  services: readonly string[],
  name: string,
): Promise<void> {
  const user = await issueUser(issuerOf(chain), {
    name: `services:${services.join(",")}`,
    permissions: servicePermissions(namespace, services),
  });
  writeSecret(path.join(dir, "creds", `${name}.creds`), user.creds);
}

function onlyPositional(args: ParsedCommandLine, command: string): string {
  const [dir, ...more] = args.positionals;
  if (dir === undefined) throw new UsageError("a directory is required", command);
  if (more.length > 0) throw new UsageError(`one directory only, got ${args.positionals.length}`, command);
  return dir;
}

function tokenFlag(args: ParsedCommandLine, flag: string, command: string): string | undefined {
  const value = args.flags[flag];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !TOKEN.test(value)) {
    throw new UsageError(`--${flag} must be 1 to 64 characters of A-Z a-z 0-9 _ -`, command);
  }
  return value;
}

function writeSecret(file: string, text: string): void {
  fs.writeFileSync(file, text, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}
