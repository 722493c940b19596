import pg from "pg";
import { connectBus, jetstreamManager } from "@switchboard/bus";
import { createLogger } from "@switchboard/logger";
import { generateKeyringEntry } from "@switchboard/secrets";
import { api, createTestDatabase, startNatsServer, type Api } from "@switchboard/testing";
import { runEntryPoint, type ServiceProcess } from "../../test/support/process.js";

const ADMIN = "sbk_bench_whole_path_admin_key_0123456789";
const ORG = "bench";
export const INBOUND_NAME = "orders.placed";
export const EMITTED_TYPE = "orderMatched";

/** The services the whole path runs through, each as its own process (`services/<name>/src/main.ts`). */
export const PATH_SERVICES = ["tenancy", "rules-engine", "ingress", "webhook-bridge"] as const;
export type PathService = (typeof PATH_SERVICES)[number];

/**
 * Switchboard's own way from "HTTP in" through "filter" to "webhook out": ingress stores the POSTed
 * event in INBOUND; the rules engine runs the rule whose condition is the filter, and its `emit`
 * action writes a custom event to its outbox in the transaction that records the run; the relay
 * publishes it to EVENTS; the webhook bridge's subscription consumer POSTs it to the sink.
 */
export interface PathStack {
  /** POST an event here with `headers`. */
  eventsUrl: string;
  headers: Record<string, string>;
  /** The service processes and nats-server. */
  pids: Record<PathService | "nats-server", number>;
  databaseUrl: string;
  /** What the stores hold, to check that every event was kept. */
  persisted(): Promise<Persisted>;
  close(): Promise<void>;
}

export interface Persisted {
  inboundStream: number;
  eventsStream: number;
  /** Inbound messages the rules engine recorded as processed (distinct message ids). */
  processed: number;
  ruleRuns: number;
  outboxPublished: number;
  /** Delivery attempts that succeeded (distinct events). */
  delivered: number;
}

export const definition = {
  description: "An order placed in the shop; the benchmark's inbound event",
  schema: {
    type: "object",
    properties: {
      id: { type: "string", minLength: 1 },
      match: { type: "boolean" },
      n: { type: "integer" },
      patientId: { type: "string" },
    },
    required: ["id", "match", "n", "patientId"],
    additionalProperties: false,
  },
};

export const rule = {
  id: "matching-orders-out",
  description: "Orders that match go out as orderMatched events (to the webhook)",
  enabled: true,
  on: { inbound: INBOUND_NAME },
  when: { "==": [{ var: "match" }, true] },
  actions: [
    {
      emit: {
        eventType: EMITTED_TYPE,
        info: { id: { var: "id" }, n: { var: "n" }, patientId: { var: "patientId" } },
      },
    },
  ],
};

/**
 * Starts nats-server (file store), a fresh PostgreSQL database and one process per service, then
 * declares the inbound event, activates the rule and subscribes `sinkUrl` to the org's events.
 */
export async function startPathStack(sinkUrl: string, env: Record<string, string> = {}): Promise<PathStack> {
  const nats = await startNatsServer();
  const database = await createTestDatabase("sb_bench_path");
  const procs: Partial<Record<PathService, ServiceProcess>> = {};
  const killAll = () =>
    Object.values(procs).forEach((p) => p.child.exitCode === null && p.child.kill("SIGKILL"));
  process.once("exit", killAll);
  const close = async () => {
    await Promise.all(Object.values(procs).map((p) => p.stop()));
    process.removeListener("exit", killAll);
    await database.drop().catch(() => undefined);
    await nats.close();
  };
  try {
    const common = {
      NATS_URL: nats.url,
      DATABASE_URL: database.url,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      SWITCHBOARD_ADMIN_KEY: ADMIN,
      SWITCHBOARD_SECRETS_KEYRING: generateKeyringEntry(),
      SWITCHBOARD_WEBHOOK_ALLOWLIST: "127.0.0.1",
      // The per-key limit (200/s by default) guards against one noisy client; the load here is one key.
      SWITCHBOARD_INGRESS_RATE_PER_SECOND: "100000",
      ...env,
    };
    for (const name of PATH_SERVICES) procs[name] = runEntryPoint(`services/${name}/src/main.ts`, common);
    const urls = {} as Record<PathService, string>;
    for (const name of PATH_SERVICES)
      urls[name] = (await procs[name]!.waitForOutput(/is running: HTTP (\S+),/, 120_000))[1]!;
    const key = await configure(urls, sinkUrl);
    const pids = {
      ...(Object.fromEntries(PATH_SERVICES.map((n) => [n, procs[n]!.child.pid!])) as Record<
        PathService,
        number
      >),
      "nats-server": nats.pid!,
    };
    return {
      eventsUrl: `${urls.ingress}/v1/orgs/${ORG}/inbound/${INBOUND_NAME}`,
      headers: { authorization: `Bearer ${key}` },
      pids,
      databaseUrl: database.url,
      persisted: () => countPersisted(nats.url, database.url),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function configure(urls: Record<PathService, string>, sinkUrl: string): Promise<string> {
  const admin = api(urls.tenancy, ADMIN);
  must(await admin.post("/v1/orgs", { id: ORG, name: "Bench" }), 201, "create the org");
  const created = await admin.post(`/v1/orgs/${ORG}/api-keys`, {
    name: "bench",
    roles: ["content-manager", "integration"],
  });
  must(created, 201, "create a key");
  const key = created.body.key as string;
  const rules: Api = api(urls["rules-engine"], key);
  must(await rules.put(`/v1/orgs/${ORG}/inbound-events/${INBOUND_NAME}`, definition), 201, "declare");
  must(await rules.put(`/v1/orgs/${ORG}/rules/${rule.id}?activate=true`, rule), 201, "save the rule");
  // The subscription names the custom type the rule emits, as a user would.
  const hook = await api(urls["webhook-bridge"], key).post(`/v1/orgs/${ORG}/webhooks`, {
    url: sinkUrl,
    eventTypes: [EMITTED_TYPE],
  });
  must(hook, 201, "subscribe the sink");
  return key;
}

function must(res: { status: number; body: unknown }, status: number, step: string): void {
  if (res.status !== status) throw new Error(`${step}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
}

async function countPersisted(natsUrl: string, databaseUrl: string): Promise<Persisted> {
  const logger = createLogger({ level: "silent" });
  const nc = await connectBus({ servers: natsUrl, name: "bench-count", logger });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const jsm = await jetstreamManager(nc);
    const count = async (query: string) => Number((await client.query<{ n: string }>(query)).rows[0]?.n ?? 0);
    return {
      inboundStream: (await jsm.streams.info("INBOUND")).state.messages,
      eventsStream: (await jsm.streams.info("EVENTS")).state.messages,
      processed: await count(
        "select count(distinct message_id) as n from rules_engine.dedup_claims where status = 'done'",
      ),
      ruleRuns: await count("select count(*) as n from rules_engine.rule_runs"),
      outboxPublished: await count(
        "select count(*) as n from rules_engine.outbox where published_at is not null",
      ),
      delivered: await count(
        "select count(distinct message_id) as n from webhook_bridge.delivery_attempts where outcome = 'delivered'",
      ),
    };
  } finally {
    await nc.close();
    await client.end();
  }
}

/** The pids of the PostgreSQL backends connected to the database at `databaseUrl`, this query's own left out. */
export async function databaseBackendPids(databaseUrl: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      "select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()",
    );
    return rows.map((r) => r.pid);
  } finally {
    await client.end();
  }
}
