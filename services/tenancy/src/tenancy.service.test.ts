import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendCommand } from "@switchboard/bus";
import { schemaTables } from "@switchboard/db";
import { startTestWorkers, type RunningWorkers } from "@switchboard/runtime";
import {
  createTestDatabase,
  startNatsServer,
  type NatsServer,
  type TestDatabase,
} from "@switchboard/testing";
import { generateApiKey, hashToken } from "./api-key.js";
import { insertApiKey, revokeKey } from "./api-key.repository.js";
import { insertOrg } from "./org.repository.js";
import { createTenancyService } from "./tenancy.service.js";
import type { TenancyDB } from "./tenancy.tables.js";

describe("the tenancy service", () => {
  let nats: NatsServer;
  let database: TestDatabase;
  let running: RunningWorkers;
  const announced: string[] = [];

  const start = (announce: (text: string) => void) =>
    startTestWorkers({
      nats: { url: nats.url },
      database: { url: database.url },
      factories: [(ctx) => createTenancyService(ctx, { announce })],
    });

  beforeAll(async () => {
    nats = await startNatsServer();
    database = await createTestDatabase("sb_tenancy_service");
    running = await start((text) => announced.push(text));
  });
  afterAll(async () => {
    await running?.stop();
    await database?.drop();
    await nats?.close();
  });

  const tenancy = () => running.context.commands.tenancy;
  /** How another process asks: over NATS, with only the key's hash. */
  const authenticateOverNats = (token: string) =>
    sendCommand(running.context.nc, {
      namespace: "switchboard",
      service: "tenancy",
      command: "authenticate",
      request: { orgId: "_platform", params: { tokenHash: hashToken(token) } },
    });

  it("generates a platform-admin key at its first start, shows it once, and knows it on the bus", async () => {
    expect(announced).toHaveLength(1);
    const token = /sbk_[A-Za-z0-9_-]+/.exec(announced[0]!)?.[0];
    expect(token).toBeDefined();
    expect(await authenticateOverNats(token!)).toMatchObject({
      ok: true,
      value: { orgId: null, roles: ["platform-admin"] },
    });
    const again: string[] = [];
    const restarted = await start((text) => again.push(text));
    await restarted.stop();
    expect(again).toEqual([]);
  });

  it("answers who holds an org's key until the key is revoked, and null for a key nobody holds", async () => {
    const db = schemaTables<TenancyDB>(running.context.database.db);
    await insertOrg(db, { id: "org-a", name: "Org A" });
    const key = generateApiKey();
    await insertApiKey(db, {
      id: key.id,
      orgId: "org-a",
      name: "care app",
      roles: ["app"],
      tokenHash: hashToken(key.token),
    });
    const params = { tokenHash: hashToken(key.token) };
    expect(await tenancy().authenticate({ orgId: "_platform", params })).toEqual({
      keyId: key.id,
      orgId: "org-a",
      roles: ["app"],
    });
    expect(await revokeKey(db, "org-a", key.id)).toBe(true);
    expect(await tenancy().authenticate({ orgId: "_platform", params })).toBeNull();
    expect(await authenticateOverNats(generateApiKey().token)).toEqual({ ok: true, value: null });
  });

  it("answers the request's org, or null when it does not exist", async () => {
    await insertOrg(schemaTables<TenancyDB>(running.context.database.db), { id: "org-b", name: "Org B" });
    expect(await tenancy().getOrg({ orgId: "org-b", params: {} })).toMatchObject({
      id: "org-b",
      name: "Org B",
    });
    expect(await tenancy().getOrg({ orgId: "org-z", params: {} })).toBeNull();
  });

  it("refuses a token hash that is not a SHA-256 in hex", async () => {
    await expect(
      tenancy().authenticate({ orgId: "_platform", params: { tokenHash: "sbk_plain_token" } }),
    ).rejects.toMatchObject({ code: "SB_ERR_VALIDATION" });
  });
});
