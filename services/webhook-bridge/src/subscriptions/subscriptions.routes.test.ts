import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@switchboard/config";
import { createTestDatabase, startNatsServer } from "@switchboard/testing";
import { SCHEMA } from "../migrations.js";
import type { Api } from "@switchboard/testing";
import { createNoopDeliveryControlForTests } from "../../test/support/noop-delivery-control.js";
import { expectProblem } from "@switchboard/testing";
import {
  runWebhookBridgeStack,
  webhookStackEnv,
  type WebhookBridgeStack,
} from "../../test/support/webhook-bridge-stack.js";
import {
  disableSubscription,
  listEnabledSubscriptions,
  loadSubscription,
  markFailing,
  markSucceeded,
} from "./index.js";

const HOOKS = "/v1/orgs/org-a/webhooks";
const PASSWORD = "s3cret-Passw0rd-for-the-emr";
const TOKEN = "bearer-token-never-shown-0123456789";

describe("webhook subscriptions over HTTP", () => {
  const delivery = createNoopDeliveryControlForTests();
  let stack: WebhookBridgeStack;
  let cm: Api;

  beforeAll(async () => {
    const nats = await startNatsServer();
    const database = await createTestDatabase("sb_webhooks");
    stack = await runWebhookBridgeStack({
      config: loadConfig(webhookStackEnv(nats.url, database.url)),
      natsUrl: nats.url,
      databaseUrl: database.url,
      delivery: () => delivery,
      cleanup: async () => {
        await database.drop();
        await nats.close();
      },
    });
    cm = stack.client("cmA");
  });
  afterAll(async () => stack?.close());

  const create = (body: Record<string, unknown> = {}) =>
    cm.post(HOOKS, { url: "http://127.0.0.1:9/referrals", eventTypes: ["formSubmitted"], ...body });

  it("creates a subscription and shows its signing secret in that answer only", async () => {
    const created = await create({
      description: "EMR referrals",
      filter: { "==": [{ var: "info.formName" }, "Referral"] },
      mapping: { "patient.name": { var: "info.data.patientName" } },
      auth: { type: "basic", username: "emr", password: PASSWORD },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^wh_[0-9a-f]{32}$/),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]+=*$/),
      url: "http://127.0.0.1:9/referrals",
      description: "EMR referrals",
      eventTypes: ["formSubmitted"],
      auth: { type: "basic", username: "emr" },
      retrySchedule: null,
      timeoutMs: 10_000,
      rateLimitPerSecond: null,
      ordered: false,
      enabled: true,
      disabledReason: null,
      failingSince: null,
      previousSecretsExpireAt: [],
    });
    const { id, secret } = created.body;
    const saved = delivery.calls.at(-1);
    expect(saved).toMatchObject({
      call: "subscriptionSaved",
      sub: { id, orgId: "org-a", signingSecrets: [secret] },
    });
    expect(saved?.call === "subscriptionSaved" && saved.sub.auth).toEqual({
      type: "basic",
      username: "emr",
      password: PASSWORD,
    });

    const shown = await cm.get(`${HOOKS}/${id}`);
    expect(shown.status).toBe(200);
    const { secret: _secret, ...view } = created.body;
    expect(shown.body).toEqual(view);
    const listed = await stack.client("viewerA").get(HOOKS);
    expect(listed.body.webhooks).toEqual([view]);
    for (const text of [JSON.stringify(shown.body), JSON.stringify(listed.body)]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain("password");
    }
  });

  it("shows the filter and every mapping target as saved, in each answer that shows a subscription", async () => {
    const filter = { and: [{ "==": [{ var: "info.formName" }, "Referral"] }, { var: "info.isTest" }] };
    const mapping = { "patient.name": { var: "info.data.patientName" }, source: "switchboard", "a.b.c": 1 };
    const created = await create({ filter, mapping, retrySchedule: [0, 1500] });
    const { id } = created.body;
    const listed = (await cm.get(HOOKS)).body.webhooks.find((w: { id: string }) => w.id === id);
    const patched = await cm.patch(`${HOOKS}/${id}`, { ordered: true });
    for (const view of [created.body, (await cm.get(`${HOOKS}/${id}`)).body, listed, patched.body])
      expect(view).toMatchObject({ filter, mapping, retrySchedule: [0, 1500] });
  });

  it("stores credentials and signing secrets encrypted, bound to their subscription", async () => {
    const created = await create({ auth: { type: "bearer", token: TOKEN } });
    const { id, secret } = created.body;
    expect((await cm.get(`${HOOKS}/${id}`)).body.auth).toEqual({ type: "bearer" });
    const row = await stack.db
      .withSchema(SCHEMA)
      .selectFrom("subscriptions")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    const raw = JSON.stringify(row);
    expect(raw).not.toContain(TOKEN);
    expect(raw).not.toContain(secret);
    expect(raw).not.toContain(secret.slice("whsec_".length));
    expect(row.auth).toMatch(/^v1\./);
    expect(row.signing_secrets).toMatch(/^v1\./);

    const record = await loadSubscription(stack.db, stack.keyring, "org-a", id);
    expect(record.auth).toEqual({ type: "bearer", token: TOKEN });
    expect(record.signingSecrets).toEqual([secret]);

    // A sealed value copied onto another subscription's row does not open there.
    const other = (await create()).body.id;
    await stack.db
      .withSchema(SCHEMA)
      .updateTable("subscriptions")
      .set({ auth: row.auth })
      .where("id", "=", other)
      .execute();
    await expect(loadSubscription(stack.db, stack.keyring, "org-a", other)).rejects.toThrow(
      /cannot be decrypted/,
    );
    // Listing for the delivery side throws too, unless told where to report the row and go on.
    await expect(listEnabledSubscriptions(stack.db, stack.keyring)).rejects.toThrow(/cannot be decrypted/);
    const unreadable: string[] = [];
    const readable = await listEnabledSubscriptions(stack.db, stack.keyring, new Date(), (subId) =>
      unreadable.push(subId),
    );
    expect(unreadable).toEqual([other]);
    expect(readable.map((s) => s.id)).toContain(id);
    await cm.delete(`${HOOKS}/${other}`);
  });

  it("shows header auth by name only, and accepts every event type with *", async () => {
    const created = await create({
      eventTypes: ["*", "planCreated"],
      auth: { type: "header", name: "X-Api-Key", value: "key-value-not-shown" },
      retrySchedule: [0, 1000, 60_000],
      timeoutMs: 2500,
      rateLimitPerSecond: 20,
      ordered: true,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      eventTypes: ["*"],
      auth: { type: "header", name: "X-Api-Key" },
      retrySchedule: [0, 1000, 60_000],
      timeoutMs: 2500,
      rateLimitPerSecond: 20,
      ordered: true,
    });
    expect(JSON.stringify((await cm.get(`${HOOKS}/${created.body.id}`)).body)).not.toContain(
      "key-value-not-shown",
    );
  });

  it("accepts an allowlisted private address and refuses one the allowlist does not name", async () => {
    expect((await create({ url: "http://127.0.0.1:8080/hook" })).status).toBe(201);
    expectProblem(
      await create({ url: "http://127.0.0.2:8080/hook" }),
      400,
      "SB_ERR_VALIDATION",
      "may not reach",
    );
  });

  it("changes settings with PATCH and keeps the rest", async () => {
    const { id } = (await create({ description: "before", auth: { type: "bearer", token: TOKEN } })).body;
    const patched = await cm.patch(`${HOOKS}/${id}`, {
      description: "after",
      mapping: { "patient.name": { var: "info.data.patientName" } },
      timeoutMs: 500,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      description: "after",
      mapping: { "patient.name": { var: "info.data.patientName" } },
      timeoutMs: 500,
      url: "http://127.0.0.1:9/referrals",
      auth: { type: "bearer" },
    });
    expect((await loadSubscription(stack.db, stack.keyring, "org-a", id)).auth).toEqual({
      type: "bearer",
      token: TOKEN,
    });
    const cleared = await cm.patch(`${HOOKS}/${id}`, { mapping: null, auth: null, description: null });
    expect(cleared.body).toMatchObject({ mapping: null, auth: null, description: null, timeoutMs: 500 });
    expect(delivery.calls.at(-1)).toMatchObject({
      call: "subscriptionSaved",
      sub: { id, auth: null, mapping: null },
    });
  });

  it("disables and enables; enabling clears the reason and the failing clock", async () => {
    const { id } = (await create()).body;
    const off = await cm.patch(`${HOOKS}/${id}`, { enabled: false });
    expect(off.body).toMatchObject({ enabled: false, disabledReason: "disabled by key:k-cm-a" });
    expect(delivery.calls.at(-1)).toMatchObject({ call: "subscriptionSaved", sub: { id, enabled: false } });
    expect((await listEnabledSubscriptions(stack.db, stack.keyring)).map((s) => s.id)).not.toContain(id);

    const failing = new Date("2026-11-20T08:00:00.000Z");
    expect(await markFailing(stack.db, id, failing)).toEqual(failing);
    expect(await markFailing(stack.db, id, new Date("2026-11-21T08:00:00.000Z"))).toEqual(failing);
    const on = await cm.patch(`${HOOKS}/${id}`, { enabled: true });
    expect(on.body).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
    expect(delivery.calls.at(-1)).toMatchObject({ call: "subscriptionSaved", sub: { id, enabled: true } });
    expect((await listEnabledSubscriptions(stack.db, stack.keyring)).map((s) => s.id)).toContain(id);
  });

  it("records failures, successes and a disable for the delivery side", async () => {
    const { id } = (await create()).body;
    const since = new Date("2026-11-21T09:00:00.000Z");
    await markFailing(stack.db, id, since);
    expect((await cm.get(`${HOOKS}/${id}`)).body.failingSince).toBe(since.toISOString());
    await markSucceeded(stack.db, id);
    expect((await cm.get(`${HOOKS}/${id}`)).body.failingSince).toBeNull();
    expect(await disableSubscription(stack.db, id, "the endpoint answered 410 Gone")).toBe(true);
    expect(await disableSubscription(stack.db, id, "again")).toBe(false);
    expect((await cm.get(`${HOOKS}/${id}`)).body).toMatchObject({
      enabled: false,
      disabledReason: "the endpoint answered 410 Gone",
    });
    expect(await markFailing(stack.db, "wh_missing", since)).toBeNull();
  });

  it("deletes a subscription (204) and tells the delivery side", async () => {
    const { id } = (await create()).body;
    expect((await cm.delete(`${HOOKS}/${id}`)).status).toBe(204);
    expect(delivery.calls.at(-1)).toEqual({
      call: "subscriptionDeleted",
      orgId: "org-a",
      subscriptionId: id,
    });
    expectProblem(await cm.get(`${HOOKS}/${id}`), 404, "SB_ERR_NOT_FOUND");
    expectProblem(await cm.delete(`${HOOKS}/${id}`), 404, "SB_ERR_NOT_FOUND");
    await expect(loadSubscription(stack.db, stack.keyring, "org-a", id)).rejects.toThrow(/does not exist/);
  });

  it("answers 404 to another org's key on every route, and changes nothing", async () => {
    const { id } = (await create()).body;
    const before = (await cm.get(`${HOOKS}/${id}`)).body;
    const calls = delivery.calls.length;
    const other = stack.client("cmB");
    const one = `${HOOKS}/${id}`;
    const answers = [
      await other.get(HOOKS),
      await other.post(HOOKS, { url: "http://127.0.0.1:9/x", eventTypes: ["planCreated"] }),
      await other.get(one),
      await other.patch(one, { enabled: false }),
      await other.delete(one),
      await other.post(`${one}/rotate-secret`, {}),
      await other.post(`${one}/test`),
      await other.post(`${one}/test-mapping`, { event: {} }),
      await other.get(`${one}/deliveries`),
      await other.post(`${one}/replay`, { messageId: "m-1" }),
    ];
    for (const answer of answers) expectProblem(answer, 404, "SB_ERR_NOT_FOUND");
    // Org B's own routes do not see org A's subscription either.
    expectProblem(await other.get(`/v1/orgs/org-b/webhooks/${id}`), 404, "SB_ERR_NOT_FOUND");
    expectProblem(await other.post(`/v1/orgs/org-b/webhooks/${id}/test`), 404, "SB_ERR_NOT_FOUND");
    expect((await other.get("/v1/orgs/org-b/webhooks")).body.webhooks).toEqual([]);
    await expect(loadSubscription(stack.db, stack.keyring, "org-b", id)).rejects.toThrow(/does not exist/);
    expect((await cm.get(one)).body).toEqual(before);
    expect(delivery.calls.length).toBe(calls);
  });

  it("keeps roles to their jobs", async () => {
    const { id } = (await create()).body;
    for (const reader of ["viewerA", "integrationA"] as const) {
      const client = stack.client(reader);
      expect((await client.get(`${HOOKS}/${id}`)).status).toBe(200);
      expectProblem(
        await client.post(HOOKS, { url: "http://127.0.0.1:9/", eventTypes: ["*"] }),
        403,
        "SB_ERR_FORBIDDEN",
      );
      expectProblem(await client.patch(`${HOOKS}/${id}`, { enabled: false }), 403, "SB_ERR_FORBIDDEN");
      expectProblem(await client.delete(`${HOOKS}/${id}`), 403, "SB_ERR_FORBIDDEN");
      expectProblem(await client.post(`${HOOKS}/${id}/rotate-secret`, {}), 403, "SB_ERR_FORBIDDEN");
    }
    expectProblem(await stack.client("appA").get(HOOKS), 403, "SB_ERR_FORBIDDEN");
    const admin = stack.client("adminA");
    expect((await admin.post(HOOKS, { url: "http://127.0.0.1:9/", eventTypes: ["*"] })).status).toBe(201);
    expect((await admin.patch(`${HOOKS}/${id}`, { ordered: true })).body.ordered).toBe(true);
  });

  it("keeps the raw table free of plaintext secrets across every subscription", async () => {
    const rows = await sql<{
      text: string;
    }>`select row_to_json(s)::text as text from webhook_bridge.subscriptions s`.execute(stack.db);
    expect(rows.rows.length).toBeGreaterThan(0);
    for (const { text } of rows.rows) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain("whsec_");
      expect(text).not.toContain("key-value-not-shown");
    }
  });
});
