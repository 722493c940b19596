import path from "node:path";
import { loadConfig, type Env } from "@switchboard/config";
import { createConsoleService } from "@switchboard/console";
import { createDeadLettersService } from "@switchboard/dead-letters";
import { openDatabase } from "@switchboard/db";
import { ConfigError } from "@switchboard/errors";
import { createFormsService } from "@switchboard/forms";
import { createIngressService } from "@switchboard/ingress";
import { createLogger, type Logger } from "@switchboard/logger";
import { createPlansService } from "@switchboard/plans";
import { createRulesEngineService } from "@switchboard/rules-engine";
import {
  startServices,
  type RunningServices,
  type RunningWorkers,
  type ServiceFactory,
} from "@switchboard/runtime";
import { createTenancyService } from "@switchboard/tenancy";
import { createWebhookBridgeService } from "@switchboard/webhook-bridge";
import { createWorkQueuesService } from "@switchboard/work-queues";
import { startEmbeddedNats } from "./embedded-nats.js";
import { ensureLocalKeyring } from "./local-keyring.js";
import { openLocalStore, type LocalStore } from "./local-store.js";

export interface SwitchboardOptions {
  env?: Env;
  logger?: Logger;
  /** Receives the one-time platform-admin key banner; defaults to stdout. */
  announce?: (text: string) => void;
}

/**
 * The running services, with their HTTP server (`url`, `app`) unless SWITCHBOARD_HTTP is off; tell
 * them apart with `"url" in running`.
 */
export type RunningSwitchboard = (RunningServices | RunningWorkers) & {
  natsUrl: string;
  databaseKind: "postgres" | "pglite";
  /** What the store is and where, for the banner (never a password). */
  store: string;
};

/** The running services' HTTP server, for a caller that cannot do without it. */
export function requireHttp(running: RunningSwitchboard): RunningServices & RunningSwitchboard {
  if (!("url" in running))
    throw new ConfigError("SWITCHBOARD_HTTP", "is off, and this needs the HTTP server");
  return running;
}

/** Every service the runner knows, by the name SWITCHBOARD_SERVICES uses. */
export function serviceFactories(announce: (text: string) => void): Record<string, ServiceFactory> {
  return {
    tenancy: (ctx) => createTenancyService(ctx, { announce }),
    plans: createPlansService,
    forms: createFormsService,
    "work-queues": createWorkQueuesService,
    "rules-engine": createRulesEngineService,
    "webhook-bridge": (ctx) => createWebhookBridgeService(ctx),
    ingress: createIngressService,
    "dead-letters": createDeadLettersService,
    // The web console's static files at /console (no NATS, no tables): built first if missing or stale.
    console: () => createConsoleService(),
  };
}

function selectFactories(all: Record<string, ServiceFactory>, wanted: string[]): ServiceFactory[] {
  if (wanted.length === 0) return Object.values(all);
  const unknown = wanted.filter((name) => !(name in all));
  if (unknown.length > 0) {
    throw new ConfigError(
      "SWITCHBOARD_SERVICES",
      `unknown service(s) ${unknown.join(", ")}; known: ${Object.keys(all).join(", ")}`,
    );
  }
  return wanted.map((name) => all[name]!);
}

/**
 * Runs the chosen services in this process. Without NATS_URL it spawns a nats-server, without
 * DATABASE_URL it runs a PostgreSQL server (PGlite as the last resort), both under
 * SWITCHBOARD_DATA_DIR. With SWITCHBOARD_HTTP=off no HTTP server starts and no route is mounted: the
 * services' consumers, commands and outbox relays run as they do with it, as a service run alone does.
 */
export async function runSwitchboard(options: SwitchboardOptions = {}): Promise<RunningSwitchboard> {
  const loaded = loadConfig(options.env ?? process.env);
  const dataDir = path.resolve(loaded.dataDir);
  const withKeyring = { ...loaded, secretsKeyring: loaded.secretsKeyring ?? ensureLocalKeyring(dataDir) };
  const logger = options.logger ?? createLogger({ level: withKeyring.logLevel, name: "switchboard" });
  const announce = options.announce ?? ((text: string) => process.stdout.write(text));
  const factories = selectFactories(serviceFactories(announce), withKeyring.services);
  const nats =
    withKeyring.natsUrl === undefined
      ? await startEmbeddedNats(dataDir, withKeyring.embeddedNatsPort, logger)
      : undefined;
  // The embedded server's issuer, unless one was named.
  const config = { ...withKeyring, natsIssuerFile: withKeyring.natsIssuerFile ?? nats?.issuerFile };
  const natsUrl = config.natsUrl ?? nats!.url;
  let store: LocalStore | undefined;
  const stopStores = async () => {
    await store?.stop();
    await nats?.stop();
  };
  try {
    store = await openLocalStore(dataDir, config.databaseUrl, logger);
    // startServices closes the database and stops the stores if the start fails.
    const database = await openDatabase(store.options, logger);
    const running = await startServices({
      config,
      logger,
      natsServers: nats === undefined ? config.natsServers : nats.url,
      ...(nats === undefined
        ? {}
        : { natsCredentials: { creds: await nats.serviceCreds(config.namespace) } }),
      database,
      factories,
      http: config.http,
      onStopped: stopStores,
    });
    return { ...running, natsUrl, databaseKind: database.kind, store: store.description };
  } catch (error) {
    await stopStores();
    throw error;
  }
}
