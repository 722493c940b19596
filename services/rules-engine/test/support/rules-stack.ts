import { createHash } from "node:crypto";
import { loadConfig } from "@switchboard/config";
import { openDatabase, schemaTables } from "@switchboard/db";
import { createLogger } from "@switchboard/logger";
import {
  startServices,
  type RunningServices,
  type RunningWorkers,
  type ServiceContext,
  type ServiceFactory,
} from "@switchboard/runtime";
import {
  createTestDatabase,
  startNatsServer,
  type NatsServer,
  type TestDatabase,
} from "@switchboard/testing";
import type { Kysely } from "kysely";
import { createRulesEngineService, type RulesEngineService } from "../../src/rules-engine.service.js";
import { api, type Api } from "./api.js";
import type { RulesEngineDB } from "../../src/rules-engine.tables.js";

/** API keys of three orgs, by name; the stack answers key checks for exactly these. */
export const KEYS = {
  cmA: { keyId: "k-cm-a", orgId: "org-a", roles: ["content-manager"] },
  viewerA: { keyId: "k-viewer-a", orgId: "org-a", roles: ["viewer"] },
  appA: { keyId: "k-app-a", orgId: "org-a", roles: ["app"] },
  cmB: { keyId: "k-cm-b", orgId: "org-b", roles: ["content-manager"] },
  viewerC: { keyId: "k-viewer-c", orgId: "org-c", roles: ["viewer"] },
} as const;

export type KeyName = keyof typeof KEYS;

const tokenOf = (name: KeyName): string => `sbk_test_${name}_0123456789abcdef`;
const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

export interface RulesStack {
  nats: NatsServer;
  database: TestDatabase;
  running: RunningServices;
  service: RulesEngineService;
  db: Kysely<RulesEngineDB>;
  url: string;
  client(key: KeyName): Api;
  close(): Promise<void>;
}

/**
 * The rules engine service alone, on a nats-server and a PostgreSQL database of the suite's own,
 * behind the real HTTP edge. Tenancy is another service (not importable here), so its key check
 * command is answered in-process from the table above, through the same authenticator path.
 */
export async function startRulesStack(): Promise<RulesStack> {
  const nats = await startNatsServer();
  const database = await createTestDatabase("sb_rules");
  try {
    const running = await runRulesEngine(nats.url, database.url);
    const service = running.services.find((s) => s.name === "rules-engine") as RulesEngineService;
    return {
      nats,
      database,
      running,
      service,
      db: schemaTables<RulesEngineDB>(running.context.database.db),
      url: running.url,
      client: (key) => api(running.url, tokenOf(key)),
      async close() {
        await running.stop();
        await database.drop();
        await nats.close();
      },
    };
  } catch (error) {
    await database.drop();
    await nats.close();
    throw error;
  }
}

/** Starts the service (with the key check stand-in) as one more process on the same NATS and database. */
export async function runRulesEngine(natsUrl: string, databaseUrl: string): Promise<RunningServices> {
  return startServices({
    ...(await processOptions(natsUrl, databaseUrl)),
    factories: [keyCheck, createRulesEngineService],
  });
}

/**
 * An engine replica as a process with SWITCHBOARD_HTTP=off runs it: the service on the same NATS
 * and database, no HTTP server, no routes; `others` stand in for the services its actions call.
 */
export async function runRulesEngineReplica(
  natsUrl: string,
  databaseUrl: string,
  others: ServiceFactory[],
): Promise<RunningWorkers> {
  return startServices({
    ...(await processOptions(natsUrl, databaseUrl)),
    factories: [...others, createRulesEngineService],
    http: false,
  });
}

async function processOptions(natsUrl: string, databaseUrl: string) {
  const config = loadConfig({
    NATS_URL: natsUrl,
    DATABASE_URL: databaseUrl,
    PORT: "0",
    HOST: "127.0.0.1",
    SWITCHBOARD_OUTBOX_POLL_MS: "50",
  });
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
  const database = await openDatabase({ url: databaseUrl });
  return { config, logger, natsServers: natsUrl, database };
}

function keyCheck(ctx: ServiceContext) {
  const byHash = new Map(
    Object.entries(KEYS).map(([name, principal]) => [sha256(tokenOf(name as KeyName)), principal]),
  );
  ctx.localCommands.register("tenancy", {
    authenticate: async (request) => byHash.get((request.params as { tokenHash: string }).tokenHash) ?? null,
  });
  return { name: "key-check", start: async () => {}, stop: async () => {} };
}
