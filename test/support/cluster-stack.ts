import { generateKeyringEntry } from "@switchboard/secrets";
import {
  createTestDatabase,
  startNatsCluster,
  type NatsCluster,
  type TestDatabase,
} from "@switchboard/testing";
import { runEntryPoint, type ServiceProcess } from "./process.js";
import { ADMIN_KEY } from "./switchboard.js";

/** Services that run as two replicas (processes) each; the others share one process. */
export const SCALED = ["ingress", "rules-engine", "forms", "webhook-bridge"] as const;
export type ScaledService = (typeof SCALED)[number];

export interface Replica {
  proc: ServiceProcess;
  url: string;
}

/** A 3-node NATS cluster, PostgreSQL, and every service as processes against them. */
export interface ClusterStack {
  cluster: NatsCluster;
  database: TestDatabase;
  /** tenancy, plans, work-queues and dead-letters in one process. */
  core: Replica;
  /** Two of each, except the second rules engine until startSecondEngine(). */
  replicas: Record<ScaledService, Replica[]>;
  /**
   * Starts the second rules-engine replica. It loads the rules when it starts, so starting it after
   * a rule is activated guarantees it runs that rule; a running replica only hears of it over NATS.
   */
  startSecondEngine(): Promise<Replica>;
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 120_000;

/** The settings an operator would give every process of a clustered deployment. */
function clusterEnv(cluster: NatsCluster, database: TestDatabase): Record<string, string> {
  return {
    NATS_URL: cluster.urls.join(","),
    DATABASE_URL: database.url,
    PORT: "0",
    HOST: "127.0.0.1",
    SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
    SWITCHBOARD_STREAM_REPLICAS: "3",
    SWITCHBOARD_SECRETS_KEYRING: generateKeyringEntry(),
    SWITCHBOARD_WEBHOOK_ALLOWLIST: "127.0.0.1",
    // Short waits so that work interrupted by the node loss is retried within the test's time.
    SWITCHBOARD_RULES_BACKOFF_MS: "200,500,1000,2000",
    SWITCHBOARD_RULES_MAX_DELIVER: "100",
    SWITCHBOARD_WEBHOOK_RETRY_SCHEDULE_MS: "0,500,1000,2000,2000,2000,2000,2000,2000,2000",
    SWITCHBOARD_INGRESS_RATE_PER_SECOND: "100000",
    // "message received" / "command received" lines say which replica did what.
    LOG_LEVEL: "debug",
  };
}

export async function startClusterStack(): Promise<ClusterStack> {
  const cluster = await startNatsCluster();
  const database = await createTestDatabase();
  const env = clusterEnv(cluster, database);
  const procs: ServiceProcess[] = [];
  // Every process connects as a user of its own services, as an operator would deploy them.
  const run = async (
    entry: string,
    services: readonly string[],
    extra: Record<string, string> = {},
  ): Promise<ServiceProcess> => {
    const proc = runEntryPoint(entry, { ...env, ...(await cluster.auth.processEnv(services)), ...extra });
    procs.push(proc);
    return proc;
  };
  const close = async (): Promise<void> => {
    await Promise.all(procs.map((p) => p.stop()));
    await database.drop();
    await cluster.close();
  };
  try {
    const coreServices = ["tenancy", "plans", "work-queues", "dead-letters"];
    const core = await run("services/switchboard/src/main.ts", coreServices, {
      SWITCHBOARD_SERVICES: coreServices.join(","),
      LOG_LEVEL: "warn",
    });
    const scaled = await Promise.all(
      SCALED.map((name) =>
        Promise.all(
          (name === "rules-engine" ? [name] : [name, name]).map((n) => run(`services/${n}/src/main.ts`, [n])),
        ),
      ),
    );
    const coreUrl = (await core.waitForOutput(/HTTP\s+(http:\/\/\S+)/, START_TIMEOUT_MS))[1]!;
    const replicas = {} as Record<ScaledService, Replica[]>;
    for (const [i, name] of SCALED.entries()) {
      replicas[name] = await Promise.all(
        scaled[i]!.map(async (proc) => ({ proc, url: await standaloneUrl(proc) })),
      );
    }
    const startSecondEngine = async (): Promise<Replica> => {
      const proc = await run("services/rules-engine/src/main.ts", ["rules-engine"]);
      const replica = { proc, url: await standaloneUrl(proc) };
      replicas["rules-engine"].push(replica);
      return replica;
    };
    return { cluster, database, core: { proc: core, url: coreUrl }, replicas, startSecondEngine, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function standaloneUrl(proc: ServiceProcess): Promise<string> {
  return (await proc.waitForOutput(/is running: HTTP (\S+),/, START_TIMEOUT_MS))[1]!;
}

/** Debug log lines of a process that carry all the given `"key":value` fragments. */
export function logLines(proc: ServiceProcess, ...fragments: string[]): number {
  return proc
    .output()
    .split("\n")
    .filter((line) => fragments.every((f) => line.includes(f))).length;
}

/** The last warnings and errors of every process, to say why a wait ran out. */
export function problemsOf(stack: ClusterStack, max = 40): string {
  const all = [stack.core, ...Object.values(stack.replicas).flat()];
  const lines = all.flatMap((r) =>
    r.proc
      .output()
      .split("\n")
      .filter((line) => /"level":(40|50|60)/.test(line) || line.startsWith("Error")),
  );
  return lines.slice(-max).join("\n");
}
