import { describe, expect, it } from "vitest";
import { ErrorCodes } from "@switchboard/errors";
import { loadConfig } from "./config.js";

describe("loadConfig", () => {
  it("gives the documented defaults for an empty environment", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      dataDir: "./.switchboard",
      natsUrl: undefined,
      databaseUrl: undefined,
      namespace: "switchboard",
      streamReplicas: 1,
      webhookAllowlist: [],
    });
  });

  it("parses lists and numbers", () => {
    const config = loadConfig({ PORT: "9090", SWITCHBOARD_WEBHOOK_ALLOWLIST: "127.0.0.1, 10.0.0.0/8" });
    expect(config.port).toBe(9090);
    expect(config.webhookAllowlist).toEqual(["127.0.0.1", "10.0.0.0/8"]);
  });

  it.each([
    [{ PORT: "eighty" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ NATS_URL: "http://x" }, "NATS_URL"],
    [{ DATABASE_URL: "not a url" }, "DATABASE_URL"],
    [{ SWITCHBOARD_NAMESPACE: "a.b" }, "SWITCHBOARD_NAMESPACE"],
    [{ SWITCHBOARD_STREAM_REPLICAS: "2" }, "SWITCHBOARD_STREAM_REPLICAS"],
    [{ SWITCHBOARD_ADMIN_KEY: "short" }, "SWITCHBOARD_ADMIN_KEY"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
  ])("names the variable in the error for %o", (env, variable) => {
    expect(() => loadConfig(env)).toThrowError(
      expect.objectContaining({ code: ErrorCodes.Config, variable }),
    );
  });
});
