import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@switchboard/config";
import {
  createTestDatabase,
  startNatsServer,
  type NatsServer,
  type TestDatabase,
} from "@switchboard/testing";
import { createNoopDeliveryControlForTests } from "../test/support/noop-delivery-control.js";
import { runWebhookBridgeStack, webhookStackEnv } from "../test/support/webhook-bridge-stack.js";

describe("the webhook bridge service's start", () => {
  let nats: NatsServer;
  let database: TestDatabase;

  beforeAll(async () => {
    nats = await startNatsServer();
    database = await createTestDatabase("sb_webhooks_start");
  });
  afterAll(async () => {
    await database?.drop();
    await nats?.close();
  });

  /** `keyring` given (even undefined) replaces the generated one; `delivery: false` keeps the default engine. */
  const start = (options: { keyring?: string | undefined; delivery?: boolean } = {}) => {
    const config = loadConfig(webhookStackEnv(nats.url, database.url));
    const keyring = "keyring" in options ? options.keyring : config.secretsKeyring;
    return runWebhookBridgeStack({
      config: { ...config, secretsKeyring: keyring },
      natsUrl: nats.url,
      databaseUrl: database.url,
      ...(options.delivery === false ? {} : { delivery: () => createNoopDeliveryControlForTests() }),
      cleanup: async () => {},
    });
  };

  it("refuses to start without a secrets keyring, naming the variable", async () => {
    await expect(start({ keyring: undefined })).rejects.toMatchObject({
      name: "ConfigError",
      code: "SB_ERR_CONFIG",
      variable: "SWITCHBOARD_SECRETS_KEYRING",
    });
  });

  it("refuses a malformed keyring without echoing key material", async () => {
    const error = await start({ keyring: "k1:c2hvcnQ=" }).catch((e: unknown) => e as Error);
    expect(error).toMatchObject({
      code: "SB_ERR_CONFIG",
      message: expect.stringContaining("SWITCHBOARD_SECRETS_KEYRING"),
    });
    expect((error as Error).message).not.toContain("c2hvcnQ=");
  });

  it("runs the delivery engine when no delivery side is given, and stops cleanly", async () => {
    const stack = await start({ delivery: false });
    expect((await stack.client("cmA").get("/v1/orgs/org-a/webhooks")).body).toEqual({ webhooks: [] });
    await stack.close();
  });

  it("starts and stops with a keyring and a delivery side", async () => {
    const stack = await start();
    expect((await stack.client("cmA").get("/v1/orgs/org-a/webhooks")).body).toEqual({ webhooks: [] });
    await stack.close();
  });
});
