import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@switchboard/config";
import { createTestDatabase, startNatsServer } from "@switchboard/testing";
import type { AttemptView } from "../contracts.js";
import { SCHEMA } from "../migrations.js";
import type { Api } from "@switchboard/testing";
import { createNoopDeliveryControlForTests } from "../../test/support/noop-delivery-control.js";
import { expectProblem } from "@switchboard/testing";
import {
  runWebhookBridgeStack,
  webhookStackEnv,
  type WebhookBridgeStack,
} from "../../test/support/webhook-bridge-stack.js";
import { loadSubscription } from "./index.js";

const HOOKS = "/v1/orgs/org-a/webhooks";

const referral = (formName = "Referral") => ({
  messageId: "0b9c6f4e-5a7b-4c1d-9e2f-3a4b5c6d7e8f",
  occurredAt: "2026-11-21T10:00:00.000Z",
  messageType: "switchboard.org-a.formSubmitted",
  orgId: "org-a",
  requestedBy: "15eba04e-user",
  traceId: "0b9c6f4e-5a7b-4c1d-9e2f-3a4b5c6d7e8f",
  branch: "master",
  info: {
    planId: "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
    formName,
    formAssignmentId: "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
    data: { patientName: "Ada Lovelace", referredTo: "cardiology" },
    isTest: false,
  },
});

describe("webhook subscription tools: secret rotation, tests, mapping tests, delivery log, replay", () => {
  const delivery = createNoopDeliveryControlForTests();
  let stack: WebhookBridgeStack;
  let cm: Api;
  let id: string;

  beforeAll(async () => {
    const nats = await startNatsServer();
    const database = await createTestDatabase("sb_webhooks_tools");
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
    const created = await cm.post(HOOKS, {
      url: "http://127.0.0.1:9/referrals",
      eventTypes: ["formSubmitted"],
      filter: { "==": [{ var: "info.formName" }, "Referral"] },
      mapping: {
        "patient.name": { var: "info.data.patientName" },
        "referral.to": { var: "info.data.referredTo" },
        "referral.id": { var: "messageId" },
        source: "switchboard",
      },
    });
    id = created.body.id;
  });
  afterAll(async () => stack?.close());

  it("rotates the signing secret: both sign until the previous one expires", async () => {
    const before = await loadSubscription(stack.db, stack.keyring, "org-a", id);
    const [old] = before.signingSecrets;
    const rotated = await cm.post(`${HOOKS}/${id}/rotate-secret`, { previousSecretTtlSeconds: 3600 });
    expect(rotated.status).toBe(200);
    const { secret, previousSecretExpiresAt } = rotated.body;
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(old);
    const expiry = Date.parse(previousSecretExpiresAt);

    const now = await loadSubscription(stack.db, stack.keyring, "org-a", id);
    expect(now.signingSecrets).toEqual([secret, old]);
    const justBefore = await loadSubscription(stack.db, stack.keyring, "org-a", id, new Date(expiry - 1));
    expect(justBefore.signingSecrets).toEqual([secret, old]);
    const after = await loadSubscription(stack.db, stack.keyring, "org-a", id, new Date(expiry));
    expect(after.signingSecrets).toEqual([secret]);

    expect(delivery.calls.at(-1)).toMatchObject({
      call: "subscriptionSaved",
      sub: { id, signingSecrets: [secret, old] },
    });
    const shown = await cm.get(`${HOOKS}/${id}`);
    expect(shown.body.previousSecretsExpireAt).toEqual([previousSecretExpiresAt]);
    expect(JSON.stringify(shown.body)).not.toContain(secret);
    expect(JSON.stringify(shown.body)).not.toContain(old);
  });

  it("keeps the previous secret a day by default, and revokes it at once with 0", async () => {
    const byDefault = await cm.post(`${HOOKS}/${id}/rotate-secret`);
    expect(byDefault.status).toBe(200);
    const updatedAt = Date.parse((await cm.get(`${HOOKS}/${id}`)).body.updatedAt);
    expect(Date.parse(byDefault.body.previousSecretExpiresAt) - updatedAt).toBe(86_400_000);
    const revoked = await cm.post(`${HOOKS}/${id}/rotate-secret`, { previousSecretTtlSeconds: 0 });
    expect(revoked.body.previousSecretExpiresAt).toBeNull();
    const record = await loadSubscription(stack.db, stack.keyring, "org-a", id);
    expect(record.signingSecrets[0]).toBe(revoked.body.secret);
    expect(record.signingSecrets).not.toContain(byDefault.body.secret);
    expectProblem(
      await cm.post(`${HOOKS}/${id}/rotate-secret`, { previousSecretTtlSeconds: -1 }),
      400,
      "SB_ERR_VALIDATION",
      "previousSecretTtlSeconds",
    );
  });

  it("sends a test event through the delivery side and answers its attempt", async () => {
    const res = await cm.post(`${HOOKS}/${id}/test`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ subscriptionId: id, kind: "test" });
    expect(delivery.calls.at(-1)).toMatchObject({ call: "sendTest", sub: { id, orgId: "org-a" } });
  });

  it("tests the mapping on a sample event: CHT-style body, filter result, no side effects", async () => {
    const before = (await cm.get(`${HOOKS}/${id}`)).body;
    const calls = delivery.calls.length;
    const res = await stack.client("viewerA").post(`${HOOKS}/${id}/test-mapping`, { event: referral() });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      matched: true,
      eventTypeSubscribed: true,
      body: {
        patient: { name: "Ada Lovelace" },
        referral: { to: "cardiology", id: referral().messageId },
        source: "switchboard",
      },
    });
    const other = await cm.post(`${HOOKS}/${id}/test-mapping`, { event: referral("Intake") });
    expect(other.body).toMatchObject({ matched: false, body: { patient: { name: "Ada Lovelace" } } });
    expect((await cm.get(`${HOOKS}/${id}`)).body).toEqual(before);
    expect(delivery.calls.length).toBe(calls);
    const attempts = await stack.db.withSchema(SCHEMA).selectFrom("delivery_attempts").selectAll().execute();
    expect(attempts).toEqual([]);
  });

  it("refuses a sample that is not a valid system event, naming the problem", async () => {
    const path = `${HOOKS}/${id}/test-mapping`;
    const { info: _info, ...noInfo } = referral();
    expectProblem(
      await cm.post(path, { event: noInfo }),
      400,
      "SB_ERR_VALIDATION",
      "not a valid formSubmitted event",
    );
    const wrongType = { ...referral(), info: { ...referral().info, isTest: "no" } };
    const problem = expectProblem(
      await cm.post(path, { event: wrongType }),
      400,
      "SB_ERR_VALIDATION",
      "/info/isTest",
    );
    expect(problem.errors).toContainEqual(expect.objectContaining({ path: "body/event/info/isTest" }));
    expectProblem(
      await cm.post(path, { event: { hello: "world" } }),
      400,
      "SB_ERR_VALIDATION",
      "messageType",
    );
    const unknownType = { ...referral(), messageType: "switchboard.org-a.nothing" };
    expectProblem(
      await cm.post(path, { event: unknownType }),
      400,
      "SB_ERR_VALIDATION",
      'unknown event type "nothing"',
    );
    expectProblem(await cm.post(path, { event: "text" }), 400, "SB_ERR_VALIDATION", "event");
    expectProblem(await cm.post(path, {}), 400, "SB_ERR_VALIDATION", "event");
  });

  it("lists delivery attempts newest first, by message and outcome, page by page", async () => {
    const attempt = (messageId: string, n: number, outcome: AttemptView["outcome"]) => ({
      org_id: "org-a",
      subscription_id: id,
      message_id: messageId,
      event_type: "formSubmitted",
      attempt: n,
      kind: "delivery" as const,
      outcome,
      status: outcome === "delivered" ? 200 : 500,
      duration_ms: 12,
      error: outcome === "delivered" ? null : "HTTP 500",
      response_excerpt: "ok",
    });
    await stack.db
      .withSchema(SCHEMA)
      .insertInto("delivery_attempts")
      .values([
        attempt("m-1", 1, "retry"),
        attempt("m-1", 2, "delivered"),
        attempt("m-2", 1, "delivered"),
        { ...attempt("m-9", 1, "delivered"), org_id: "org-b", subscription_id: "wh_other" },
      ])
      .execute();
    const all = await stack.client("integrationA").get(`${HOOKS}/${id}/deliveries`);
    expect(all.status).toBe(200);
    expect(
      all.body.attempts.map((a: { messageId: string; attempt: number }) => [a.messageId, a.attempt]),
    ).toEqual([
      ["m-2", 1],
      ["m-1", 2],
      ["m-1", 1],
    ]);
    expect(all.body.attempts[2]).toMatchObject({
      subscriptionId: id,
      eventType: "formSubmitted",
      kind: "delivery",
      outcome: "retry",
      status: 500,
      durationMs: 12,
      error: "HTTP 500",
      responseExcerpt: "ok",
      nextAttemptAt: null,
      createdAt: expect.any(String),
    });
    const m1 = await cm.get(`${HOOKS}/${id}/deliveries?messageId=m-1`);
    expect(m1.body.attempts.map((a: { attempt: number }) => a.attempt)).toEqual([2, 1]);
    const retries = await cm.get(`${HOOKS}/${id}/deliveries?outcome=retry`);
    expect(retries.body.attempts).toHaveLength(1);
    const page = await cm.get(`${HOOKS}/${id}/deliveries?limit=1&before=${all.body.attempts[0].id}`);
    expect(page.body.attempts.map((a: { id: number }) => a.id)).toEqual([all.body.attempts[1].id]);
    expectProblem(
      await cm.get(`${HOOKS}/${id}/deliveries?outcome=maybe`),
      400,
      "SB_ERR_VALIDATION",
      "outcome",
    );
    expectProblem(await cm.get(`${HOOKS}/wh_missing/deliveries`), 404, "SB_ERR_NOT_FOUND");
  });

  it("replays a message or a time range through the delivery side (202)", async () => {
    const one = await cm.post(`${HOOKS}/${id}/replay`, { messageId: "m-1" });
    expect(one.status).toBe(202);
    expect(one.body).toEqual({ replayed: 0 });
    expect(delivery.calls.at(-1)).toMatchObject({ call: "replay", sub: { id }, range: { messageId: "m-1" } });
    const range = await cm.post(`${HOOKS}/${id}/replay`, {
      since: "2026-11-21T10:00:00+01:00",
      until: "2026-11-21T12:00:00Z",
    });
    expect(range.status).toBe(202);
    expect(delivery.calls.at(-1)).toMatchObject({
      call: "replay",
      range: { since: "2026-11-21T09:00:00.000Z", until: "2026-11-21T12:00:00.000Z" },
    });
  });

  it("refuses a replay that is neither one message nor a sensible range", async () => {
    const path = `${HOOKS}/${id}/replay`;
    const calls = delivery.calls.length;
    expectProblem(await cm.post(path, {}), 400, "SB_ERR_VALIDATION", "give messageId, or since");
    expectProblem(
      await cm.post(path, { messageId: "m", since: "2026-11-21T10:00:00Z" }),
      400,
      "SB_ERR_VALIDATION",
      "not both",
    );
    expectProblem(
      await cm.post(path, { since: "yesterday" }),
      400,
      "SB_ERR_VALIDATION",
      "since must be an ISO-8601 time",
    );
    expectProblem(
      await cm.post(path, { since: "2026-11-21T10:00:00" }),
      400,
      "SB_ERR_VALIDATION",
      "with a zone",
    );
    expectProblem(
      await cm.post(path, { since: "2026-11-21T10:00:00Z", until: "2026-11-21T09:00:00Z" }),
      400,
      "SB_ERR_VALIDATION",
      "until must be later than since",
    );
    expectProblem(
      await cm.post(path, { since: "2999-01-01T00:00:00Z" }),
      400,
      "SB_ERR_VALIDATION",
      "in the future",
    );
    expect(delivery.calls.length).toBe(calls);
  });
});
