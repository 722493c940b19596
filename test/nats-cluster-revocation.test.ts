import { connect, credsAuthenticator } from "nats";
import { createLogger } from "@switchboard/logger";
import { requireHttp, runSwitchboard, type RunningSwitchboard } from "@switchboard/switchboard";
import {
  createTestDatabase,
  startNatsCluster,
  type NatsCluster,
  type TestDatabase,
} from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Api } from "./support/api.js";
import { ADMIN_KEY } from "./support/switchboard.js";

/**
 * Credentials on a 3-node cluster: tenancy talks to one node, the third party to another; the full
 * account resolver carries the revocation to every node.
 */
describe("NATS credentials on a 3-node cluster", () => {
  let cluster: NatsCluster;
  let database: TestDatabase;
  let tenancy: RunningSwitchboard;
  let admin: Api;

  beforeAll(async () => {
    cluster = await startNatsCluster();
    database = await createTestDatabase();
    tenancy = await runSwitchboard({
      env: {
        ...(await cluster.auth.processEnv(["tenancy"])),
        NATS_URL: cluster.urls[0]!,
        DATABASE_URL: database.url,
        PORT: "0",
        HOST: "127.0.0.1",
        SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
        SWITCHBOARD_SERVICES: "tenancy",
        SWITCHBOARD_STREAM_REPLICAS: "3",
        SWITCHBOARD_SECRETS_KEYRING: "k1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
      },
      logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
      announce: () => {},
    });
    admin = api(requireHttp(tenancy).url, ADMIN_KEY);
    expect((await admin.post("/v1/orgs", { id: "hrh", name: "HRH" })).status).toBe(201);
  }, 180_000);
  afterAll(async () => {
    await tenancy?.stop();
    await database?.drop();
    await cluster?.close();
  });

  it("a revocation made through one node closes a connection on another within 5 s, and every node refuses it", async () => {
    const made = await admin.post("/v1/orgs/hrh/nats-credentials", {
      name: "far away",
      access: ["subscribe"],
    });
    expect(made.status).toBe(201);
    const creds = new TextEncoder().encode(made.body.creds as string);
    const farNode = cluster.urls[2]!;
    const nc = await connect({
      servers: farNode,
      authenticator: credsAuthenticator(creds),
      reconnect: false,
    });
    const started = Date.now();
    expect((await admin.delete(`/v1/orgs/hrh/nats-credentials/${made.body.id}`)).status).toBe(204);
    const closedWith = await Promise.race([
      nc.closed(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("still connected after 5 s")), 5_000)),
    ]);
    expect(String(closedWith)).toMatch(/Revoked|Authorization/);
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const url of cluster.urls) {
      await expect(
        connect({ servers: url, authenticator: credsAuthenticator(creds), reconnect: false }),
      ).rejects.toThrow(/Authorization Violation/);
    }
  });

  it("a node restarted after the revocation still refuses it: the resolver kept the account on disk", async () => {
    const made = await admin.post("/v1/orgs/hrh/nats-credentials", {
      name: "restart",
      access: ["subscribe"],
    });
    const creds = new TextEncoder().encode(made.body.creds as string);
    expect((await admin.delete(`/v1/orgs/hrh/nats-credentials/${made.body.id}`)).status).toBe(204);
    const node = cluster.servers[1]!;
    await node.stop();
    await node.restart();
    await expect(
      connect({ servers: node.url, authenticator: credsAuthenticator(creds), reconnect: false }),
    ).rejects.toThrow(/Authorization Violation/);
  });
});
