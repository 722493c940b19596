import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { configVariableNames } from "@switchboard/config";
import { CONSOLE_HEADERS } from "@switchboard/console";
import { createTrustChain, serverAuthConfig } from "@switchboard/nats-auth";
import { imageEnv, ROOT } from "./support/process.js";

/**
 * What in deploy/ can rot without anyone noticing: service names without an entry point, settings
 * that packages/config no longer reads, probes on paths or ports nothing serves, NATS configs that
 * no longer parse. The images themselves are not built here (no container engine in CI).
 */
const read = (file: string): string => readFileSync(path.join(ROOT, "deploy", file), "utf8");
const SETTINGS = new Set(configVariableNames());
/** Read by the image, not by packages/config: which entry point to run. */
const IMAGE_SETTINGS = new Set(["SWITCHBOARD_SERVICE"]);
const hasEntryPoint = (service: string): boolean =>
  existsSync(path.join(ROOT, "services", service, "src", "main.ts"));

/** What the auth.conf `switchboard nats init` writes reads from the environment. */
const AUTH_CONF_VARIABLES = ["NATS_RESOLVER_DIR"];

/** `$NAME`s the NATS configs (and the auth.conf they include) read from the environment (comments left out). */
function natsVariables(): Set<string> {
  const names = new Set<string>(AUTH_CONF_VARIABLES);
  for (const file of readdirSync(path.join(ROOT, "deploy", "nats"))) {
    const text = read(`nats/${file}`).replace(/#.*$/gm, "");
    for (const [, name] of text.matchAll(/\$([A-Z_]+)/g)) names.add(name!);
  }
  return names;
}

function nonSettings(env: Record<string, unknown>): string[] {
  return Object.keys(env).filter((name) => !SETTINGS.has(name) && !IMAGE_SETTINGS.has(name));
}

describe("deploy/compose.yaml", () => {
  const compose = parseYaml(read("compose.yaml"), { merge: true }) as {
    services: Record<
      string,
      {
        environment?: Record<string, string>;
        command?: string[];
        build?: { dockerfile?: string; target?: string };
      }
    >;
  };
  // The console's image serves static files; every other image built here runs a service.
  const ours = Object.entries(compose.services).filter(
    ([name, s]) => s.build !== undefined && name !== "console",
  );
  const nats = Object.entries(compose.services).filter(([name]) => name.startsWith("nats-"));

  it("runs every service from an entry point that exists, with settings packages/config reads", () => {
    expect(ours.map(([name]) => name).sort()).toEqual([
      "dead-letters",
      "forms",
      "ingress",
      "plans",
      "rules-engine",
      "tenancy",
      "webhook-bridge",
      "work-queues",
    ]);
    for (const [name, service] of ours) {
      const env = service.environment ?? {};
      expect(env.SWITCHBOARD_SERVICE, name).toBe(name);
      expect(hasEntryPoint(env.SWITCHBOARD_SERVICE!), name).toBe(true);
      expect(nonSettings(env), name).toEqual([]);
      expect(env.NATS_URL!.split(","), name).toHaveLength(3);
      expect(env.SWITCHBOARD_STREAM_REPLICAS, name).toBe("3");
    }
  });

  it("builds the web console's static image from the Dockerfile's console target", () => {
    const console = compose.services["console"];
    expect(console?.build).toMatchObject({ dockerfile: "deploy/docker/Dockerfile", target: "console" });
    expect(console?.environment).toBeUndefined();
  });

  it("starts three NATS nodes from deploy/nats with exactly the variables the configs read", () => {
    expect(nats).toHaveLength(3);
    const wanted = [...natsVariables()].sort();
    for (const [name, node] of nats) {
      const config = node.command!.at(-1)!;
      expect(existsSync(path.join(ROOT, "deploy", "nats", path.basename(config))), name).toBe(true);
      expect(Object.keys(node.environment ?? {}).sort(), name).toEqual(wanted);
      expect(JSON.parse(node.environment!.NATS_ROUTES!), name).toHaveLength(3);
    }
    expect(new Set(nats.map(([, n]) => n.environment!.NATS_SERVER_TAGS)).size).toBe(3);
  });

  it("gives every service a NATS user of its own, and tenancy the issuer", () => {
    const secrets = (
      parseYaml(read("compose.yaml"), { merge: true }) as { secrets: Record<string, { file: string }> }
    ).secrets;
    for (const [name, service] of ours) {
      const mounted = (service as { secrets?: { source: string; target: string }[] }).secrets ?? [];
      expect(service.environment?.NATS_CREDS, name).toBe("/run/secrets/nats.creds");
      expect(mounted, name).toContainEqual({ source: `nats-${name}`, target: "nats.creds" });
      expect(secrets[`nats-${name}`]?.file, name).toBe(`./.nats-auth/creds/${name}.creds`);
      const issuer = service.environment?.SWITCHBOARD_NATS_ISSUER_FILE;
      if (name === "tenancy") {
        expect(issuer).toBe("/run/secrets/nats-issuer.json");
        expect(mounted).toContainEqual({ source: "nats-issuer", target: "nats-issuer.json" });
      } else expect(issuer, name).toBeUndefined();
    }
  });
});

describe("deploy/k8s", () => {
  const docs = readdirSync(path.join(ROOT, "deploy", "k8s")).flatMap((file) =>
    parseAllDocuments(read(`k8s/${file}`)).map((d) => d.toJS() as any),
  );
  const ofKind = (kind: string) => docs.filter((d) => d?.kind === kind);
  const deployments = ofKind("Deployment").filter((d) => d.metadata.name !== "console");

  it("has a Deployment per service with an entry point, settings packages/config reads, and probes that match", () => {
    expect(deployments.length).toBeGreaterThanOrEqual(8);
    const configMap = ofKind("ConfigMap")[0];
    const secret = ofKind("Secret")[0];
    expect(nonSettings({ ...configMap.data, ...secret.stringData })).toEqual([]);
    for (const d of deployments) {
      const container = d.spec.template.spec.containers[0];
      const service = container.env.find((e: any) => e.name === "SWITCHBOARD_SERVICE").value;
      expect(service).toBe(d.metadata.name);
      expect(hasEntryPoint(service), service).toBe(true);
      expect(nonSettings(Object.fromEntries(container.env.map((e: any) => [e.name, e.value])))).toEqual([]);
      const port = container.ports.find((p: any) => p.name === "http");
      expect(port.containerPort, service).toBe(Number(configMap.data.PORT));
      expect(container.readinessProbe.httpGet, service).toEqual({ path: "/readyz", port: "http" });
      expect(container.livenessProbe.httpGet, service).toEqual({ path: "/healthz", port: "http" });
      expect(container.resources.requests, service).toHaveProperty("cpu");
      expect(d.spec.selector.matchLabels).toEqual(
        expect.objectContaining({
          "app.kubernetes.io/name": d.spec.template.metadata.labels["app.kubernetes.io/name"],
        }),
      );
    }
  });

  it("mounts each service's own NATS creds, and the issuer for tenancy only", () => {
    for (const d of deployments) {
      const name = d.metadata.name;
      const container = d.spec.template.spec.containers[0];
      const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
      const volumes = d.spec.template.spec.volumes as { name: string; secret: { secretName: string } }[];
      const mountOf = (volume: string) =>
        container.volumeMounts.find((m: any) => m.name === volume)?.mountPath;
      expect(volumes.find((v) => v.name === "nats-creds")?.secret.secretName, name).toBe(
        `switchboard-nats-${name}`,
      );
      expect(env.NATS_CREDS, name).toBe(`${mountOf("nats-creds")}/nats.creds`);
      if (name === "tenancy")
        expect(env.SWITCHBOARD_NATS_ISSUER_FILE).toBe(`${mountOf("nats-issuer")}/issuer.json`);
      else expect(env.SWITCHBOARD_NATS_ISSUER_FILE, name).toBeUndefined();
    }
  });

  it("routes each Service to its pods and covers every scaled Deployment with a disruption budget", () => {
    const services = ofKind("Service");
    const budgets = ofKind("PodDisruptionBudget");
    for (const d of deployments) {
      const labels = d.spec.template.metadata.labels;
      const matches = (selector: Record<string, string>) =>
        Object.entries(selector).every(([k, v]) => labels[k] === v);
      const service = services.find((s) => matches(s.spec.selector));
      expect(service?.spec.ports[0].targetPort, d.metadata.name).toBe("http");
      if (d.spec.replicas >= 2) expect(budgets.some((b) => matches(b.spec.selector.matchLabels))).toBe(true);
    }
    for (const name of ["ingress", "rules-engine", "webhook-bridge", "forms"])
      expect(deployments.find((d) => d.metadata.name === name)?.spec.replicas).toBeGreaterThanOrEqual(2);
  });

  it("limits glibc's malloc arenas in the image with a count it accepts (MALLOC_ARENA_MAX)", () => {
    expect(imageEnv("MALLOC_ARENA_MAX")).toMatch(/^[1-9]\d*$/);
  });

  it("keeps the image's heap ceiling within half of each service container's memory limit", () => {
    const heapMiB = Number(/--max-old-space-size=(\d+)/.exec(imageEnv("NODE_OPTIONS"))?.[1]);
    expect(heapMiB).toBeGreaterThanOrEqual(128);
    for (const d of deployments) {
      const limit = /^(\d+)Mi$/.exec(d.spec.template.spec.containers[0].resources.limits.memory);
      expect(limit, d.metadata.name).not.toBeNull();
      expect(heapMiB, d.metadata.name).toBeLessThanOrEqual(Number(limit![1]) / 2);
    }
  });
});

describe("the web console's static deployment", () => {
  it("serves /console with the headers Switchboard serves it with, from the Dockerfile's console stage", () => {
    const nginx = read("console/nginx.conf");
    const header = (name: string) => new RegExp(`add_header ${name} "([^"]*)" always;`).exec(nginx)?.[1];
    expect(header("Content-Security-Policy")).toBe(CONSOLE_HEADERS["content-security-policy"]);
    for (const [name, value] of Object.entries(CONSOLE_HEADERS)) {
      const written = name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
      expect(header(written), name).toBe(value);
    }
    const dockerfile = read("docker/Dockerfile");
    expect(dockerfile).toMatch(/AS console\n/);
    expect(dockerfile).toContain("COPY deploy/console/nginx.conf /etc/nginx/conf.d/default.conf");
    expect(dockerfile).toContain(
      "COPY --from=build /app/packages/console/dist/web/ /usr/share/nginx/html/console/",
    );
    const k8s = parseAllDocuments(read("k8s/console.yaml")).map((d) => d.toJS() as any);
    const deployment = k8s.find((d) => d.kind === "Deployment");
    const container = deployment.spec.template.spec.containers[0];
    expect(container.ports).toContainEqual({ name: "http", containerPort: 8080 });
    expect(nginx).toContain("listen 8080;");
    expect(container.readinessProbe.httpGet).toEqual({ path: "/console/", port: "http" });
    expect(container.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(k8s.find((d) => d.kind === "Service").spec.selector).toEqual(deployment.spec.selector.matchLabels);
  });
});

describe("deploy/docker/Dockerfile", () => {
  it("runs the built entry point the variable names, as a non-root user, checked on /healthz", () => {
    const dockerfile = read("docker/Dockerfile");
    expect(dockerfile).toContain("services/${SWITCHBOARD_SERVICE}/dist/main.js");
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/healthz/);
  });
});

describe("deploy/helm/nats-values.yaml", () => {
  it("asks for a 3-node cluster with JetStream on volumes and fsync on every write", () => {
    const values = parseYaml(read("helm/nats-values.yaml"));
    expect(values.config.cluster).toMatchObject({ enabled: true, replicas: 3 });
    expect(values.config.jetstream.fileStore.pvc.enabled).toBe(true);
    expect(values.config.jetstream.merge.sync_interval).toBe("always");
    expect(values.config.resolver).toMatchObject({ enabled: true, merge: { type: "full" } });
  });
});

describe("deploy/nats", () => {
  let authConf = "";
  beforeAll(async () => {
    // What `switchboard nats init` writes beside the configs.
    authConf = await serverAuthConfig(await createTrustChain(), { resolverDir: "$NATS_RESOLVER_DIR" });
  });

  it("auth.conf reads exactly the variables the deployments set for it", () => {
    expect([...authConf.matchAll(/\$([A-Z_]+)/g)].map((m) => m[1])).toEqual(AUTH_CONF_VARIABLES);
  });
  /** Each config as an operator runs it: the deployment's files, with a deployment's auth.conf beside them. */
  const check = (file: string): { status: number | null; output: string } => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "sb-nats-conf-"));
    try {
      const confDir = path.join(dir, "conf");
      cpSync(path.join(ROOT, "deploy", "nats"), confDir, { recursive: true });
      writeFileSync(path.join(confDir, "auth.conf"), authConf);
      const result = spawnSync(
        process.env.NATS_SERVER_BIN ?? "nats-server",
        ["-t", "-c", path.join(confDir, file)],
        {
          env: {
            ...process.env,
            NATS_RESOLVER_DIR: path.join(dir, "jwt"),
            NATS_SERVER_NAME: "nats-1",
            NATS_PORT: "4222",
            NATS_MONITOR_PORT: "8222",
            NATS_STORE_DIR: dir,
            NATS_MAX_FILE_STORE: "1GB",
            NATS_CLUSTER_PORT: "6222",
            NATS_ROUTES: '["nats-route://nats-1:6222","nats-route://nats-2:6222"]',
            NATS_SERVER_TAGS: "az:1",
          },
          encoding: "utf8",
        },
      );
      return { status: result.status, output: `${result.stdout}${result.stderr}` };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const version = spawnSync(process.env.NATS_SERVER_BIN ?? "nats-server", ["--version"], {
    encoding: "utf8",
  }).stdout;
  const [, minor] = /v2\.(\d+)\./.exec(version) ?? [];

  it.each(["single.conf", "cluster.conf"])("%s parses on this nats-server (2.9 and newer)", (file) => {
    expect(check(file)).toMatchObject({ status: 0 });
  });

  it("needs the deployment's auth.conf: no config runs without authentication", () => {
    for (const file of readdirSync(path.join(ROOT, "deploy", "nats")).filter((f) => f.endsWith(".conf"))) {
      const text = read(`nats/${file}`).replace(/#.*$/gm, "");
      const includes = [...text.matchAll(/include\s+"([^"]+)"/g)].map((m) => m[1]);
      if (file.startsWith("jetstream")) continue;
      expect(
        includes.includes("auth.conf") || includes.some((i) => i === "single.conf" || i === "cluster.conf"),
        file,
      ).toBe(true);
    }
    expect(existsSync(path.join(ROOT, "deploy", "nats", "auth.conf"))).toBe(false); // made per deployment, never shipped
  });

  it.each(["single-durable.conf", "cluster-durable.conf"])(
    "%s parses on 2.10+ and is refused by 2.9 for sync_interval alone",
    (file) => {
      const result = check(file);
      if (Number(minor) >= 10) expect(result).toMatchObject({ status: 0 });
      else expect(result.output).toContain('unknown field "sync_interval"');
    },
  );
});
