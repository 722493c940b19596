import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { credsAuthenticator, type ConnectionOptions } from "@nats-io/transport-node";
import { serverAuthConfig } from "@switchboard/nats-auth";
import { freePorts } from "./free-port.js";
import { createNatsAuth, type NatsAuth } from "./nats-auth-files.js";
import { launchNatsServer, type NatsServer } from "./nats-server.js";

export interface NatsCluster {
  servers: NatsServer[];
  /** Client URLs of every node, to pass as `servers` to a client. */
  urls: string[];
  /** One operator and account for the whole cluster, as in a deployment. */
  auth: NatsAuth;
  /** Every node, as a test's own user that may do anything. */
  connectOptions(): ConnectionOptions;
  /** Stops every node and removes the temp dirs. */
  close(): Promise<void>;
}

const META_LEADER_TIMEOUT_MS = 60_000;

/**
 * Starts a JetStream cluster on loopback, each node from the deployment's config
 * (deploy/nats/cluster.conf, see nats-config.ts), and resolves once every node knows the meta leader,
 * i.e. once the JetStream API answers for streams with replicas.
 */
export async function startNatsCluster(opts: { size?: number } = {}): Promise<NatsCluster> {
  const size = opts.size ?? 3;
  const base = await mkdtemp(path.join(tmpdir(), "sb-nats-cluster-"));
  // Route ports must be known before any node starts: every node lists all of them.
  const routes = await freePorts(size);
  const auth = await createNatsAuth(path.join(base, "auth"));
  // The deployment's form: the resolver's dir is a variable each node sets.
  const config = await serverAuthConfig(auth.chain, { resolverDir: "$NATS_RESOLVER_DIR" });
  const launched = await Promise.allSettled(
    routes.map(async (port, i) => {
      const dir = path.join(base, `n${i + 1}`);
      await mkdir(dir);
      return launchNatsServer({
        dir,
        serverName: `n${i + 1}`,
        jetstream: true,
        cluster: { port, routes },
        auth: { files: auth, config },
      });
    }),
  );
  const servers = launched.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const close = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.close()));
    await rm(base, { recursive: true, force: true });
  };
  const failed = launched.find((r) => r.status === "rejected");
  try {
    if (failed !== undefined) throw failed.reason;
    await waitForMetaLeader(servers);
  } catch (error) {
    await close();
    throw error;
  }
  const urls = servers.map((s) => s.url);
  return {
    servers,
    urls,
    auth,
    connectOptions: () => ({
      servers: urls,
      authenticator: credsAuthenticator(new TextEncoder().encode(auth.adminCreds)),
    }),
    close,
  };
}

async function waitForMetaLeader(servers: NatsServer[]): Promise<void> {
  const deadline = Date.now() + META_LEADER_TIMEOUT_MS;
  let last: string[] = [];
  for (;;) {
    last = await Promise.all(servers.map((s) => metaLeader(s.monitorUrl)));
    if (last.every((leader) => leader !== "")) return;
    if (Date.now() > deadline) {
      throw new Error(
        `no JetStream meta leader after ${META_LEADER_TIMEOUT_MS} ms (leaders seen: ${JSON.stringify(last)})`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function metaLeader(monitorUrl: string): Promise<string> {
  try {
    const res = await fetch(`${monitorUrl}/jsz`);
    const body = (await res.json()) as { meta_cluster?: { leader?: string } };
    return body.meta_cluster?.leader ?? "";
  } catch {
    return "";
  }
}
