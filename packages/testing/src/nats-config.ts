import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** What one nats-server's config file says; rendered fresh on every (re)start. */
export interface NatsConfigSpec {
  serverName: string;
  /** -1 on the first start (the server picks one), the learned port on restart. */
  port: number;
  /** Where the config file and the ports file are written. */
  portsFileDir: string;
  /** Absent: JetStream disabled. */
  storeDir?: string;
  /** A node of a cluster: runs the deployment's cluster config (deploy/nats/cluster.conf). */
  cluster?: { port: number; routes: number[] };
  /** Authentication: the configuration part (operator, accounts, resolver) and the resolver's dir. */
  auth?: { config: string; resolverDir: string };
}

/** A config file's text and the environment variables it reads. */
export interface RenderedNatsConfig {
  text: string;
  env: Record<string, string>;
}

/** Cluster nodes in tests start from the very files production nodes run. */
export const DEPLOY_NATS_DIR = fileURLToPath(new URL("../../../deploy/nats/", import.meta.url));
/** The deployment's configs include this file, made for each deployment (`switchboard nats init`). */
export const AUTH_INCLUDE = "auth.conf";

// JSON strings are valid quoted strings in the server's config syntax, and escape paths safely.
const q = (value: string): string => JSON.stringify(value);

export function renderNatsConfig(spec: NatsConfigSpec): RenderedNatsConfig {
  return spec.cluster === undefined
    ? { text: renderStandalone(spec), env: {} }
    : renderClusterNode(spec, spec.cluster);
}

function renderStandalone(spec: NatsConfigSpec): string {
  const lines = [
    `server_name: ${q(spec.serverName)}`,
    `host: "127.0.0.1"`,
    `port: ${spec.port}`,
    // Monitoring on a random port: tests read /jsz and /varz.
    `http: "127.0.0.1:-1"`,
    `ports_file_dir: ${q(spec.portsFileDir)}`,
  ];
  if (spec.storeDir !== undefined) {
    lines.push(`jetstream { store_dir: ${q(spec.storeDir)} }`);
  }
  if (spec.auth !== undefined) lines.push(spec.auth.config);
  return lines.join("\n") + "\n";
}

/**
 * A wrapper that includes the deployment's cluster config and only pins what a test needs on top:
 * loopback and a ports file. Everything else (ports, store, routes, zone) goes in through the
 * variables the deployment config reads, as an operator would set them.
 */
function renderClusterNode(
  spec: NatsConfigSpec,
  cluster: { port: number; routes: number[] },
): RenderedNatsConfig {
  if (spec.storeDir === undefined) throw new Error("a cluster node needs JetStream (a store dir)");
  if (spec.auth === undefined)
    throw new Error(`a cluster node needs authentication (the deployment's ${AUTH_INCLUDE})`);
  // The deployment's files are copied beside the node's own auth.conf, which they include.
  const copy = path.join(spec.portsFileDir, "deploy-nats");
  mkdirSync(copy, { recursive: true });
  for (const name of readdirSync(DEPLOY_NATS_DIR).filter((n) => n.endsWith(".conf"))) {
    copyFileSync(path.join(DEPLOY_NATS_DIR, name), path.join(copy, name));
  }
  writeFileSync(path.join(copy, AUTH_INCLUDE), spec.auth.config);
  // nats-server resolves include paths relative to the including file.
  const text = [
    `include "deploy-nats/cluster.conf"`,
    `host: "127.0.0.1"`,
    `ports_file_dir: ${q(spec.portsFileDir)}`,
  ].join("\n");
  const env = {
    NATS_SERVER_NAME: spec.serverName,
    NATS_PORT: String(spec.port),
    NATS_MONITOR_PORT: "-1",
    NATS_STORE_DIR: spec.storeDir,
    NATS_RESOLVER_DIR: spec.auth.resolverDir,
    NATS_MAX_FILE_STORE: "1GB",
    NATS_CLUSTER_PORT: String(cluster.port),
    NATS_ROUTES: JSON.stringify(cluster.routes.map((p) => `nats-route://127.0.0.1:${p}`)),
    // One zone per node, as unique_tag expects: replicas land on three different nodes.
    NATS_SERVER_TAGS: `az:${spec.serverName}`,
  };
  return { text: text + "\n", env };
}
