import { describe, expect, it } from "vitest";
import { ErrorCodes } from "@switchboard/errors";
import { configVariableNames, loadConfig } from "./config.js";

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

  it("keeps nothing for ever by default: every store has a retention, every org a daily byte quota", () => {
    const day = 86_400_000;
    expect(loadConfig({})).toMatchObject({
      streamLimits: { eventsMaxAgeMs: 7 * day, inboundMaxAgeMs: 7 * day, dlqMaxAgeMs: 30 * day, maxBytes: 0 },
      orgBytesPerDay: 1_073_741_824,
      ruleRunPayloadRetentionMs: 7 * day,
      ruleRunRetentionMs: 90 * day,
      sampleRetentionMs: 7 * day,
      idempotencyRetentionMs: 31 * day,
      outboxRetentionMs: day,
      retentionSweepMs: 3_600_000,
    });
  });

  it("serves HTTP unless SWITCHBOARD_HTTP is off, and refuses anything else", () => {
    expect(loadConfig({}).http).toBe(true);
    expect(loadConfig({ SWITCHBOARD_HTTP: "on" }).http).toBe(true);
    expect(loadConfig({ SWITCHBOARD_HTTP: "off" }).http).toBe(false);
    expect(() => loadConfig({ SWITCHBOARD_HTTP: "no" })).toThrow(/SWITCHBOARD_HTTP/);
  });

  it("has the rules engine work on 256 messages (64 MiB) at once in batches of 128 unless told otherwise, within bounds", () => {
    expect(loadConfig({})).toMatchObject({
      rulesConcurrency: 256,
      rulesBatch: 128,
      rulesBytesInFlight: 64 * 1_048_576,
    });
    expect(loadConfig({ SWITCHBOARD_RULES_BYTES_IN_FLIGHT: "1048576" }).rulesBytesInFlight).toBe(1_048_576);
    expect(() => loadConfig({ SWITCHBOARD_RULES_BYTES_IN_FLIGHT: "1048575" })).toThrow(
      /SWITCHBOARD_RULES_BYTES_IN_FLIGHT/,
    );
    expect(loadConfig({ SWITCHBOARD_RULES_BATCH: "1" }).rulesBatch).toBe(1);
    expect(() => loadConfig({ SWITCHBOARD_RULES_BATCH: "0" })).toThrow(/SWITCHBOARD_RULES_BATCH/);
    expect(() => loadConfig({ SWITCHBOARD_RULES_BATCH: "501" })).toThrow(/SWITCHBOARD_RULES_BATCH/);
    expect(loadConfig({}).rulesLingerMs).toBe(10);
    expect(loadConfig({ SWITCHBOARD_RULES_LINGER_MS: "0" }).rulesLingerMs).toBe(0);
    expect(() => loadConfig({ SWITCHBOARD_RULES_LINGER_MS: "1001" })).toThrow(/SWITCHBOARD_RULES_LINGER_MS/);
  });

  it("has each webhook subscription hold 64 deliveries and 16 MiB of payload at once unless told otherwise, within bounds", () => {
    expect(loadConfig({})).toMatchObject({ webhookConcurrency: 64, webhookBytesInFlight: 16 * 1_048_576 });
    expect(loadConfig({ SWITCHBOARD_WEBHOOK_BYTES_IN_FLIGHT: "1048576" }).webhookBytesInFlight).toBe(
      1_048_576,
    );
    expect(() => loadConfig({ SWITCHBOARD_WEBHOOK_BYTES_IN_FLIGHT: "1048575" })).toThrow(
      /SWITCHBOARD_WEBHOOK_BYTES_IN_FLIGHT/,
    );
    expect(() => loadConfig({ SWITCHBOARD_WEBHOOK_BYTES_IN_FLIGHT: "1073741825" })).toThrow(
      /SWITCHBOARD_WEBHOOK_BYTES_IN_FLIGHT/,
    );
    expect(() => loadConfig({ SWITCHBOARD_WEBHOOK_CONCURRENCY: "513" })).toThrow(
      /SWITCHBOARD_WEBHOOK_CONCURRENCY/,
    );
  });

  it("parses lists and numbers", () => {
    const config = loadConfig({ PORT: "9090", SWITCHBOARD_WEBHOOK_ALLOWLIST: "127.0.0.1, 10.0.0.0/8" });
    expect(config.port).toBe(9090);
    expect(config.webhookAllowlist).toEqual(["127.0.0.1", "10.0.0.0/8"]);
  });

  it("takes several NATS servers, comma-separated, for a client to fail over between", () => {
    const config = loadConfig({ NATS_URL: "nats://nats-1:4222, nats://nats-2:4222,tls://nats-3:4222" });
    expect(config.natsServers).toEqual(["nats://nats-1:4222", "nats://nats-2:4222", "tls://nats-3:4222"]);
    expect(loadConfig({ NATS_URL: "nats://127.0.0.1:4222" }).natsServers).toEqual(["nats://127.0.0.1:4222"]);
    expect(loadConfig({}).natsServers).toEqual([]);
  });

  it("lists the variables it reads, for deployment files to be checked against", () => {
    const names = configVariableNames();
    expect(names).toEqual(expect.arrayContaining(["NATS_URL", "DATABASE_URL", "PORT", "LOG_LEVEL"]));
    expect(names).toContain("SWITCHBOARD_STREAM_REPLICAS");
    expect(names).not.toContain("HOME");
  });

  it.each([
    [{ NATS_URL: "nats://a:4222,http://b:4222" }, "NATS_URL"],
    [{ NATS_URL: "nats://a:4222,not a url" }, "NATS_URL"],
    [{ PORT: "eighty" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ NATS_URL: "http://x" }, "NATS_URL"],
    [{ DATABASE_URL: "not a url" }, "DATABASE_URL"],
    [{ SWITCHBOARD_NAMESPACE: "a.b" }, "SWITCHBOARD_NAMESPACE"],
    [{ SWITCHBOARD_STREAM_REPLICAS: "2" }, "SWITCHBOARD_STREAM_REPLICAS"],
    [{ SWITCHBOARD_ADMIN_KEY: "short" }, "SWITCHBOARD_ADMIN_KEY"],
    // The placeholder deploy/k8s/config.yaml ships, and keys of 24 characters that are easy to guess.
    [{ SWITCHBOARD_ADMIN_KEY: "CHANGE-ME-to-at-least-24-characters" }, "SWITCHBOARD_ADMIN_KEY"],
    [{ SWITCHBOARD_ADMIN_KEY: "a".repeat(40) }, "SWITCHBOARD_ADMIN_KEY"],
    [{ SWITCHBOARD_ADMIN_KEY: "ab".repeat(20) }, "SWITCHBOARD_ADMIN_KEY"],
    [{ NATS_TLS_CERT_FILE: "/etc/hostname" }, "NATS_TLS_KEY_FILE"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    // A dead letter retried after its action keys were forgotten would repeat its actions.
    [{ SWITCHBOARD_DLQ_MAX_AGE_MS: String(60 * 86_400_000) }, "SWITCHBOARD_IDEMPOTENCY_RETENTION_MS"],
    [{ SWITCHBOARD_RULE_RUN_RETENTION_MS: String(86_400_000) }, "SWITCHBOARD_RULE_RUN_RETENTION_MS"],
    [{ SWITCHBOARD_EVENTS_MAX_AGE_MS: "1000" }, "SWITCHBOARD_EVENTS_MAX_AGE_MS"],
    [{ SWITCHBOARD_ORG_BYTES_PER_DAY: "-1" }, "SWITCHBOARD_ORG_BYTES_PER_DAY"],
  ])("names the variable in the error for %o", (env, variable) => {
    expect(() => loadConfig(env)).toThrowError(
      expect.objectContaining({ code: ErrorCodes.Config, variable }),
    );
  });
});
