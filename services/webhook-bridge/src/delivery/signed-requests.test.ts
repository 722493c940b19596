import { loadConfig } from "@switchboard/config";
import { createTestDatabase, startNatsServer, waitFor } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookStackEnv } from "../../test/support/webhook-bridge-stack.js";
import { startDeliveryStack, type DeliveryStack } from "../../test/support/delivery/delivery-stack.js";
import { formSubmittedInfo, planCreatedInfo } from "../../test/support/delivery/event-publisher.js";
import { verifies, WebhookReceiver } from "../../test/support/delivery/webhook-receiver.js";

describe("what a receiver gets", () => {
  let stack: DeliveryStack;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    const nats = await startNatsServer();
    const database = await createTestDatabase("sb_delivery");
    const config = loadConfig(webhookStackEnv(nats.url, database.url));
    stack = await startDeliveryStack({ nats, database, config });
    receiver = await new WebhookReceiver().start();
  });
  afterAll(async () => {
    await receiver?.stop();
    await stack?.close();
  });

  const api = () => stack.bridge.stack.client("cmA");
  const subscribe = async (body: Record<string, unknown>) => {
    const res = await api().post("/v1/orgs/org-a/webhooks", body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; secret: string };
  };
  const deliveredTo = (path: string, count = 1) =>
    waitFor(() => (receiver.to(path).length >= count ? receiver.to(path) : undefined), {
      what: `a request to ${path}`,
    });

  it("during a rotation every request carries both signatures, and either secret verifies it", async () => {
    const sub = await subscribe({ url: receiver.url("/rotating"), eventTypes: ["planCreated"] });
    await stack.events.publish("org-a", "planCreated", planCreatedInfo(1));
    const [before] = await deliveredTo("/rotating");
    expect(before!.signature.split(" ")).toHaveLength(1);

    const rotated = await api().post(`/v1/orgs/org-a/webhooks/${sub.id}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    const { secret: newSecret } = rotated.body as { secret: string };
    await stack.events.publish("org-a", "planCreated", planCreatedInfo(2));
    const [, during] = await deliveredTo("/rotating", 2);
    expect(during!.signature.split(" ")).toHaveLength(2);
    expect(verifies(sub.secret, during!)).toBe(true);
    expect(verifies(newSecret, during!)).toBe(true);
    expect(verifies("whsec_" + Buffer.alloc(32, 7).toString("base64"), during!)).toBe(false);

    await api().post(`/v1/orgs/org-a/webhooks/${sub.id}/rotate-secret`, { previousSecretTtlSeconds: 0 });
  });

  it("sends the destination's credentials, and the mapped body when the subscription maps", async () => {
    const bearer = await subscribe({
      url: receiver.url("/bearer"),
      eventTypes: ["formSubmitted"],
      auth: { type: "bearer", token: "tok-123" },
      mapping: {
        "patient.name": { var: "info.data.patientName" },
        "referral.id": { var: "messageId" },
        source: "switchboard",
      },
    });
    await subscribe({
      url: receiver.url("/basic"),
      eventTypes: ["formSubmitted"],
      auth: { type: "basic", username: "emr", password: "s3cret" },
    });
    await subscribe({
      url: receiver.url("/header"),
      eventTypes: ["formSubmitted"],
      auth: { type: "header", name: "X-Api-Key", value: "key-9" },
    });
    const event = await stack.events.publish("org-a", "formSubmitted", formSubmittedInfo(7));

    const [mapped] = await deliveredTo("/bearer");
    expect(mapped!.headers.authorization).toBe("Bearer tok-123");
    expect(JSON.parse(mapped!.body)).toEqual({
      patient: { name: "patient 7" },
      referral: { id: event.messageId },
      source: "switchboard",
    });
    expect(verifies(bearer.secret, mapped!)).toBe(true);
    expect(mapped!.headers["content-type"]).toBe("application/json");

    const [basic] = await deliveredTo("/basic");
    expect(basic!.headers.authorization).toBe(`Basic ${Buffer.from("emr:s3cret").toString("base64")}`);
    expect(JSON.parse(basic!.body).messageId).toBe(event.messageId);
    const [header] = await deliveredTo("/header");
    expect(header!.headers["x-api-key"]).toBe("key-9");
  });

  it("a test send delivers a signed synthetic event now and logs it as a test", async () => {
    const sub = await subscribe({ url: receiver.url("/test-send"), eventTypes: ["planCreated"] });
    const res = await api().post(`/v1/orgs/org-a/webhooks/${sub.id}/test`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      subscriptionId: sub.id,
      kind: "test",
      outcome: "delivered",
      status: 200,
      attempt: 1,
      eventType: "webhookTest",
      responseExcerpt: "answered 200",
    });
    const [request] = receiver.to("/test-send");
    expect(verifies(sub.secret, request!)).toBe(true);
    expect(request!.webhookId).toBe(res.body.messageId);
    expect(JSON.parse(request!.body)).toMatchObject({
      messageId: res.body.messageId,
      messageType: "switchboard.org-a.webhookTest",
      orgId: "org-a",
      info: { test: true },
    });
    const log = await api().get(`/v1/orgs/org-a/webhooks/${sub.id}/deliveries`);
    expect(log.body.attempts).toEqual([res.body]);
  });

  it("a test send to a failing endpoint says why, and is not retried", async () => {
    receiver.respond = ({ path }) =>
      path === "/test-fail" ? { status: 500, body: "boom" } : { status: 200 };
    const sub = await subscribe({ url: receiver.url("/test-fail"), eventTypes: ["planCreated"] });
    const res = await api().post(`/v1/orgs/org-a/webhooks/${sub.id}/test`);
    expect(res.body).toMatchObject({
      kind: "test",
      outcome: "retry",
      status: 500,
      responseExcerpt: "boom",
      nextAttemptAt: null,
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.to("/test-fail")).toHaveLength(1);
  });
});
