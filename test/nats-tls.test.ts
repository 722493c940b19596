import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { connectBus } from "@switchboard/bus";
import { loadConfig } from "@switchboard/config";
import { createLogger } from "@switchboard/logger";
import { createNatsAuth, natsAuthConfig, type NatsAuth } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const logger = createLogger({ level: "silent" });

/** A nats-server that requires TLS (a certificate of a CA of the test's own) and credentials. */
describe("a NATS server that requires TLS", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sb-nats-tls-"));
  let server: ChildProcess;
  let url = "";
  let auth: NatsAuth;
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });

  beforeAll(async () => {
    openssl(
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=test CA",
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
    );
    openssl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-subj",
      "/CN=localhost",
      "-keyout",
      "server.key",
      "-out",
      "server.csr",
    );
    writeFileSync(file("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    openssl(
      "x509",
      "-req",
      "-in",
      "server.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      "1",
      "-extfile",
      "san.ext",
      "-out",
      "server.pem",
    );
    auth = await createNatsAuth(file("auth"));
    const port = await freePort();
    writeFileSync(
      file("server.conf"),
      [
        `host: "127.0.0.1"`,
        `port: ${port}`,
        `tls { cert_file: ${JSON.stringify(file("server.pem"))}, key_file: ${JSON.stringify(file("server.key"))} }`,
        `jetstream { store_dir: ${JSON.stringify(file("js"))} }`,
        await natsAuthConfig(auth, file("jwt")),
      ].join("\n"),
    );
    server = spawn(process.env.NATS_SERVER_BIN ?? "nats-server", ["-c", file("server.conf")], {
      stdio: "ignore",
    });
    url = `tls://127.0.0.1:${port}`;
    await waitForPort(port);
  });
  afterAll(async () => {
    server?.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  });

  it("takes a Switchboard process that trusts its CA (NATS_TLS_CA_FILE) and has credentials (NATS_CREDS)", async () => {
    const config = loadConfig({
      NATS_URL: url,
      NATS_TLS_CA_FILE: file("ca.pem"),
      NATS_CREDS: await auth.serviceCredsFile({ services: ["plans"] }),
    });
    expect(config.natsTls).toEqual({ caFile: file("ca.pem") });
    const nc = await connectBus({
      servers: config.natsServers,
      name: "tls-test",
      logger,
      credentials: { credsFile: config.natsCredsFile! },
      tls: config.natsTls!,
    });
    expect(nc.info?.tls_required).toBe(true);
    await nc.flush();
    await nc.close();
  });

  it("refuses a process that does not trust its certificate, and one without credentials", async () => {
    await expect(
      connectBus({
        servers: url,
        name: "tls-test",
        logger,
        credentials: { credsFile: await auth.serviceCredsFile({ services: ["plans"] }) },
      }),
    ).rejects.toThrow(/certificate|self.signed|TLS/i);
    await expect(
      connectBus({ servers: url, name: "tls-test", logger, tls: { caFile: file("ca.pem") } }),
    ).rejects.toThrow(/refused a connection without credentials/);
  });

  it("names the variable when a client certificate comes without its key", () => {
    expect(() => loadConfig({ NATS_TLS_CERT_FILE: file("server.pem") })).toThrow(/NATS_TLS_KEY_FILE/);
    expect(() => loadConfig({ NATS_TLS_CA_FILE: file("missing.pem") })).toThrow(
      /NATS_TLS_CA_FILE: cannot read/,
    );
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => (socket.destroy(), resolve(false)));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nats-server did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
