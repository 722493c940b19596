import { generateKeyringEntry } from "@switchboard/secrets";
import { waitFor, type NatsServer } from "@switchboard/testing";
import { ManagedProcess } from "./service-processes.js";
import { ADMIN_KEY } from "./switchboard.js";

/** The services of the inbound-to-webhook path, each run as a process of its own. */
export const FAULT_SERVICES = [
  "tenancy",
  "plans",
  "forms",
  "rules-engine",
  "webhook-bridge",
  "ingress",
] as const;
export type FaultService = (typeof FAULT_SERVICES)[number];

export interface FaultStack {
  /** `http://127.0.0.1:<port>` of the service; the same after a restart. */
  url(service: FaultService): string;
  /** SIGKILL, as in a crash; resolves once the process is gone. */
  kill(service: FaultService): Promise<void>;
  /** Starts the service again on its port and waits until its /readyz answers 200. */
  start(service: FaultService): Promise<void>;
  /** Whether the process started last for the service is still running. */
  alive(service: FaultService): boolean;
  output(service: FaultService): string;
  close(): Promise<void>;
}

/**
 * Short backoffs, so that a message held up by a killed service comes again within a second or
 * two; no rate limit on ingress (one client posts everything); a webhook sink on loopback allowed.
 */
export const faultEnv = (): Record<string, string> => ({
  HOST: "127.0.0.1",
  SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
  SWITCHBOARD_SECRETS_KEYRING: generateKeyringEntry(),
  SWITCHBOARD_WEBHOOK_ALLOWLIST: "127.0.0.1",
  SWITCHBOARD_OUTBOX_POLL_MS: "50",
  SWITCHBOARD_RULES_BACKOFF_MS: "100,200,400,800,1000",
  SWITCHBOARD_RULES_MAX_DELIVER: "200",
  SWITCHBOARD_WEBHOOK_RETRY_SCHEDULE_MS: "0,200,500,1000,1000,1000,1000,1000,1000,1000",
  SWITCHBOARD_INGRESS_RATE_PER_SECOND: "100000",
});

/** Every service of FAULT_SERVICES on the given NATS and PostgreSQL, each on a port of its own. */
export async function startFaultStack(
  nats: NatsServer,
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<FaultStack> {
  const shared = { ...faultEnv(), NATS_URL: nats.url, DATABASE_URL: databaseUrl, ...env };
  const own = async (service: FaultService) => ({ ...shared, ...(await nats.auth?.processEnv([service])) });
  const procs = new Map(
    await Promise.all(FAULT_SERVICES.map(async (s) => [s, new ManagedProcess(s, 0, await own(s))] as const)),
  );
  const proc = (service: FaultService) => procs.get(service)!;

  const start = async (service: FaultService) => {
    const p = proc(service);
    await p.start();
    await waitFor(
      async () => {
        if (!p.running) throw new Error(`${service} exited:\n${p.output()}`);
        return (await fetch(`${p.url}/readyz`)).status === 200;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: `${service} to be ready` },
    );
  };
  const stack: FaultStack = {
    url: (service) => proc(service).url,
    start,
    async kill(service) {
      await proc(service).kill();
    },
    alive: (service) => proc(service).running,
    output: (service) => proc(service).output(),
    async close() {
      await Promise.all([...procs.values()].map((p) => p.stop()));
    },
  };
  try {
    // Tenancy first: the others check keys with it, and forms asks plans for plans.
    await start("tenancy");
    await Promise.all(FAULT_SERVICES.filter((s) => s !== "tenancy").map(start));
  } catch (error) {
    await stack.close();
    throw error;
  }
  return stack;
}
