/** What one nats-server's config file says; rendered fresh on every (re)start. */
export interface NatsConfigSpec {
  serverName: string;
  /** -1 on the first start (the server picks one), the learned port on restart. */
  port: number;
  portsFileDir: string;
  /** Absent: JetStream disabled. */
  storeDir?: string;
  cluster?: { name: string; port: number; routes: number[] };
}

// JSON strings are valid quoted strings in the server's config syntax, and escape paths safely.
const q = (value: string): string => JSON.stringify(value);

export function renderNatsConfig(spec: NatsConfigSpec): string {
  const lines = [
    `server_name: ${q(spec.serverName)}`,
    `host: "127.0.0.1"`,
    `port: ${spec.port}`,
    // Monitoring on a random port: the cluster helper reads /jsz to see the meta leader.
    `http: "127.0.0.1:-1"`,
    `ports_file_dir: ${q(spec.portsFileDir)}`,
  ];
  if (spec.storeDir !== undefined) {
    lines.push(`jetstream { store_dir: ${q(spec.storeDir)} }`);
  }
  if (spec.cluster !== undefined) {
    const routes = spec.cluster.routes.map((p) => q(`nats-route://127.0.0.1:${p}`)).join(", ");
    lines.push(
      `cluster { name: ${q(spec.cluster.name)}, host: "127.0.0.1", port: ${spec.cluster.port}, routes: [${routes}] }`,
    );
  }
  return lines.join("\n") + "\n";
}
