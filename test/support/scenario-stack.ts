import { generateKeyringEntry } from "@switchboard/secrets";
import {
  createTestDatabase,
  startNatsServer,
  type NatsServer,
  type TestDatabase,
} from "@switchboard/testing";
import { ManagedProcess, type ServiceName, type StackProcess } from "./service-processes.js";
import { ADMIN_KEY } from "./switchboard.js";

export interface ProcessStackOptions {
  services: readonly ServiceName[];
  /** Replicas per service; 1 when not named. */
  replicas?: Partial<Record<ServiceName, number>>;
  /** Added to (and overriding) the stack's environment, for every process. */
  env?: Record<string, string>;
}

export interface ProcessStack {
  nats: NatsServer;
  database: TestDatabase;
  /** What every process was started with. */
  env: Record<string, string>;
  /** The first replica's URL of each service. */
  urls: Partial<Record<ServiceName, string>>;
  processes: Partial<Record<ServiceName, StackProcess[]>>;
  url(service: ServiceName, replica?: number): string;
  process(service: ServiceName, replica?: number): StackProcess;
  /** Stops every process, drops the database and stops nats-server. */
  close(): Promise<void>;
}

/**
 * The services as separate processes, one per replica, sharing one nats-server and one fresh
 * PostgreSQL database, as in a distributed deployment. Every process starts at once; the stack is
 * returned when each one serves HTTP.
 */
export async function startProcessStack(options: ProcessStackOptions): Promise<ProcessStack> {
  const [nats, database] = await Promise.all([
    startNatsServer({ auth: true }),
    createTestDatabase("sb_scenario"),
  ]);
  const env: Record<string, string> = {
    NATS_URL: nats.url,
    DATABASE_URL: database.url,
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn",
    SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
    SWITCHBOARD_OUTBOX_POLL_MS: "50",
    // One keyring for every replica: what one webhook-bridge seals, the others must open.
    SWITCHBOARD_SECRETS_KEYRING: generateKeyringEntry(),
    ...options.env,
  };
  const all: ManagedProcess[] = [];
  for (const service of options.services) {
    const count = options.replicas?.[service] ?? 1;
    // Each service connects as a user of its own, which may answer only its own commands.
    const own = { ...env, ...(await nats.auth!.processEnv([service])) };
    for (let replica = 0; replica < count; replica++) all.push(new ManagedProcess(service, replica, own));
  }
  const closeAll = async () => {
    await Promise.all(all.map((p) => p.stop()));
    await database.drop();
    await nats.close();
  };
  const started = await Promise.allSettled(all.map((p) => p.start()));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed !== undefined) {
    await closeAll();
    throw failed.reason;
  }
  const processes: Partial<Record<ServiceName, StackProcess[]>> = {};
  for (const p of all) (processes[p.service] ??= []).push(p);
  const pick = (service: ServiceName, replica = 0): StackProcess => {
    const found = processes[service]?.[replica];
    if (found === undefined) throw new Error(`the stack runs no replica ${replica} of ${service}`);
    return found;
  };
  const urls: Partial<Record<ServiceName, string>> = {};
  for (const [service, replicas] of Object.entries(processes))
    urls[service as ServiceName] = replicas[0]!.url;
  return {
    nats,
    database,
    env,
    urls,
    processes,
    url: (service, replica) => pick(service, replica).url,
    process: pick,
    close: closeAll,
  };
}
