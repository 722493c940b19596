import { loadConfig } from "@switchboard/config";
import { createTestDatabase, startNatsServer, waitFor } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookStackEnv } from "../../test/support/webhook-bridge-stack.js";
import { startDeliveryStack, type DeliveryStack } from "../../test/support/delivery/delivery-stack.js";
import { planCreatedInfo } from "../../test/support/delivery/event-publisher.js";
import { verifies, WebhookReceiver } from "../../test/support/delivery/webhook-receiver.js";

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("replay", () => {
  let stack: DeliveryStack;
  let receiver: WebhookReceiver;
  let a: { id: string; secret: string };
  const published: string[] = [];
  let since = "";
  let until = "";

  const api = (key: "cmA" | "cmB" = "cmA") => stack.bridge.stack.client(key);
  const subscribe = async (path: string, body: Record<string, unknown> = {}) => {
    const res = await api().post("/v1/orgs/org-a/webhooks", {
      url: receiver.url(path),
      eventTypes: ["planCreated"],
      ...body,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; secret: string };
  };
  const ids = (path: string) => receiver.to(path).map((r) => r.webhookId);

  beforeAll(async () => {
    const nats = await startNatsServer();
    const database = await createTestDatabase("sb_delivery");
    const config = loadConfig(webhookStackEnv(nats.url, database.url));
    stack = await startDeliveryStack({ nats, database, config });
    receiver = await new WebhookReceiver().start();
    a = await subscribe("/a");
    await subscribe("/b"); // same org and type: must not get A's replays
    since = new Date().toISOString();
    await pause(20);
    for (let n = 0; n < 3; n++) {
      published.push((await stack.events.publish("org-a", "planCreated", planCreatedInfo(n))).messageId);
      if (n === 1) {
        await pause(50);
        until = new Date().toISOString();
        await pause(50);
      }
    }
    await waitFor(() => ids("/a").length === 3 && ids("/b").length === 3, { what: "the first deliveries" });
  });
  afterAll(async () => {
    await receiver?.stop();
    await stack?.close();
  });

  it("replays one message by id to that subscription only, with the same webhook-id, logged as a replay", async () => {
    const res = await api().post(`/v1/orgs/org-a/webhooks/${a.id}/replay`, { messageId: published[1] });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ replayed: 1 });
    await waitFor(() => ids("/a").length === 4, { what: "the replayed delivery" });
    await pause(500);
    // The first deliveries run side by side (the subscription is not ordered): any order.
    expect(ids("/a").slice(0, 3).sort()).toEqual([...published].sort());
    expect(ids("/a")[3]).toBe(published[1]);
    expect(ids("/b").sort()).toEqual([...published].sort());
    expect(verifies(a.secret, receiver.to("/a")[3]!)).toBe(true);
    const log = await api().get(`/v1/orgs/org-a/webhooks/${a.id}/deliveries?messageId=${published[1]}`);
    expect(log.body.attempts.map((x: { kind: string; outcome: string }) => [x.kind, x.outcome])).toEqual([
      ["replay", "delivered"],
      ["delivery", "delivered"],
    ]);
  });

  it("replays a time range in stream order, and only what lies inside it", async () => {
    const before = ids("/a").length;
    const res = await api().post(`/v1/orgs/org-a/webhooks/${a.id}/replay`, { since, until });
    expect(res.body).toEqual({ replayed: 2 });
    await waitFor(() => ids("/a").length === before + 2, { what: "the replayed range" });
    await pause(500);
    expect(ids("/a").slice(before)).toEqual(published.slice(0, 2)); // a replay goes oldest first
    expect(ids("/b").sort()).toEqual([...published].sort());
  });

  it("finds a message the subscription never met by scanning the stream", async () => {
    const late = await subscribe("/late"); // created after the events: it never got them
    const res = await api().post(`/v1/orgs/org-a/webhooks/${late.id}/replay`, { messageId: published[0] });
    expect(res.body).toEqual({ replayed: 1 });
    await waitFor(() => ids("/late").length === 1, { what: "the replay" });
    expect(ids("/late")).toEqual([published[0]]);
  });

  it("refuses a message it cannot find, another org's message, and a disabled subscription", async () => {
    const unknown = await api().post(`/v1/orgs/org-a/webhooks/${a.id}/replay`, {
      messageId: "0b9c3f3e-8f4e-4c59-9d2a-1d6e2b1f4a11",
    });
    expect(unknown.status).toBe(404);
    const ofB = await stack.events.publish("org-b", "planCreated", planCreatedInfo(9));
    const foreign = await api().post(`/v1/orgs/org-a/webhooks/${a.id}/replay`, { messageId: ofB.messageId });
    expect(foreign.status).toBe(404);
    const paused = await subscribe("/paused");
    await api().patch(`/v1/orgs/org-a/webhooks/${paused.id}`, { enabled: false });
    const disabled = await api().post(`/v1/orgs/org-a/webhooks/${paused.id}/replay`, {
      messageId: published[0],
    });
    expect(disabled.status).toBe(409);
    await pause(300);
    expect(ids("/paused")).toEqual([]);
  });
});
