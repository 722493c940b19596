import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendCommand } from "@switchboard/bus";
import { createLogger } from "@switchboard/logger";
import { generateKeyringEntry } from "@switchboard/secrets";
import {
  canConnect,
  createTestDatabase,
  freePorts,
  startNatsServer,
  type NatsServer,
  type TestDatabase,
} from "@switchboard/testing";
import { requireHttp, runSwitchboard, serviceFactories, type RunningSwitchboard } from "./compose.js";

const ADMIN_KEY = "sbk_test_compose_admin_0123456789abcdef";

describe("the all-in-one runner with SWITCHBOARD_HTTP=off", () => {
  let nats: NatsServer;
  let database: TestDatabase;
  let running: RunningSwitchboard;
  let port: number;

  beforeAll(async () => {
    nats = await startNatsServer();
    database = await createTestDatabase("sb_compose");
    [port] = (await freePorts(1)) as [number];
    running = await runSwitchboard({
      env: {
        NATS_URL: nats.url,
        DATABASE_URL: database.url,
        PORT: String(port),
        HOST: "127.0.0.1",
        SWITCHBOARD_HTTP: "off",
        SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
        SWITCHBOARD_SECRETS_KEYRING: generateKeyringEntry(),
      },
      logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
      announce: () => {},
    });
  });
  afterAll(async () => {
    await running?.stop();
    await database?.drop();
    await nats?.close();
  });

  it("starts every service and no HTTP server: nothing listens on PORT", async () => {
    expect(running.services.map((s) => s.name).sort()).toEqual(
      Object.keys(serviceFactories(() => {})).sort(),
    );
    expect("url" in running).toBe(false);
    await expect(canConnect(port)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    expect(() => requireHttp(running)).toThrow(/SWITCHBOARD_HTTP/);
  });

  it("still answers commands on NATS: tenancy knows the admin key", async () => {
    const answer = await sendCommand(running.context.nc, {
      namespace: "switchboard",
      service: "tenancy",
      command: "authenticate",
      request: {
        orgId: "_platform",
        params: { tokenHash: createHash("sha256").update(ADMIN_KEY).digest("hex") },
      },
    });
    expect(answer).toMatchObject({ ok: true, value: { orgId: null, roles: ["platform-admin"] } });
  });
});
