import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import { openDatabase, schemaTables } from "@switchboard/db";
import { createLogger } from "@switchboard/logger";
import { startServices, type RunningServices, type ServiceContext } from "@switchboard/runtime";
import { generateKeyringEntry, type Keyring } from "@switchboard/secrets";
import { loadSecretsKeyring } from "../../src/subscriptions/index.js";
import { createWebhookBridgeService, type WebhookBridgeOptions } from "../../src/webhook-bridge.service.js";
import type { WebhookBridgeDB } from "../../src/webhook-bridge.tables.js";
import { api as apiClient, type Api } from "@switchboard/testing";

/** API keys of two orgs, by name; the stack answers key checks for exactly these. */
export const TEST_KEYS = {
  cmA: { keyId: "k-cm-a", orgId: "org-a", roles: ["content-manager"] },
  adminA: { keyId: "k-admin-a", orgId: "org-a", roles: ["org-admin"] },
  viewerA: { keyId: "k-viewer-a", orgId: "org-a", roles: ["viewer"] },
  integrationA: { keyId: "k-integration-a", orgId: "org-a", roles: ["integration"] },
  appA: { keyId: "k-app-a", orgId: "org-a", roles: ["app"] },
  cmB: { keyId: "k-cm-b", orgId: "org-b", roles: ["content-manager"] },
} as const;

export type TestKeyName = keyof typeof TEST_KEYS;

const tokenOf = (name: TestKeyName): string => `sbk_test_${name}_0123456789abcdef`;
const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

/** The environment of a test bridge: its own keyring, and the local sink's address allowlisted. */
export function webhookStackEnv(
  natsUrl: string,
  databaseUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    NATS_URL: natsUrl,
    DATABASE_URL: databaseUrl,
    PORT: "0",
    HOST: "127.0.0.1",
    SWITCHBOARD_OUTBOX_POLL_MS: "50",
    SWITCHBOARD_SECRETS_KEYRING: generateKeyringEntry(),
    SWITCHBOARD_WEBHOOK_ALLOWLIST: "127.0.0.1",
    ...extra,
  };
}

export interface WebhookBridgeStack {
  running: RunningServices;
  db: Kysely<WebhookBridgeDB>;
  keyring: Keyring;
  url: string;
  client(key: TestKeyName): Api;
  close(): Promise<void>;
}

export interface WebhookBridgeStackOptions extends WebhookBridgeOptions {
  config: ServiceContext["config"];
  natsUrl: string;
  databaseUrl: string;
  /** Runs after the services stop (e.g. drop the database, stop nats-server), also when the start fails. */
  cleanup: () => Promise<void>;
}

/**
 * The webhook bridge alone behind the real HTTP edge, on the nats-server and database the caller
 * made. Tenancy is another service (not importable here), so its key check command is answered
 * in-process from TEST_KEYS, through the same authenticator path.
 */
export async function runWebhookBridgeStack(options: WebhookBridgeStackOptions): Promise<WebhookBridgeStack> {
  const { config, natsUrl, databaseUrl, cleanup, ...serviceOptions } = options;
  try {
    const running = await startServices({
      config,
      logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
      natsServers: natsUrl,
      database: await openDatabase({ url: databaseUrl }),
      factories: [keyCheck, (ctx) => createWebhookBridgeService(ctx, serviceOptions)],
    });
    return {
      running,
      db: schemaTables<WebhookBridgeDB>(running.context.database.db),
      keyring: loadSecretsKeyring(config.secretsKeyring),
      url: running.url,
      client: (key) => apiClient(running.url, tokenOf(key)),
      async close() {
        await running.stop();
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function keyCheck(ctx: ServiceContext) {
  const byHash = new Map(
    Object.entries(TEST_KEYS).map(([name, principal]) => [sha256(tokenOf(name as TestKeyName)), principal]),
  );
  ctx.localCommands.register("tenancy", {
    authenticate: async (request) => byHash.get((request.params as { tokenHash: string }).tokenHash) ?? null,
  });
  return { name: "key-check", start: async () => {}, stop: async () => {} };
}
