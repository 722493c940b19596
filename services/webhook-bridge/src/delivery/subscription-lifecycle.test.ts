import { connectBus, jetstreamManager, streamNames, type NatsConnection } from "@switchboard/bus";
import { loadConfig } from "@switchboard/config";
import { createLogger } from "@switchboard/logger";
import { createTestDatabase, startNatsServer, waitFor } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookStackEnv } from "../../test/support/webhook-bridge-stack.js";
import { startDeliveryStack, type DeliveryStack } from "../../test/support/delivery/delivery-stack.js";
import { formSubmittedInfo, planCreatedInfo } from "../../test/support/delivery/event-publisher.js";
import { WebhookReceiver } from "../../test/support/delivery/webhook-receiver.js";

const logger = createLogger({ level: "silent" });
const settle = (ms = 1_500) => new Promise((r) => setTimeout(r, ms));

describe("subscription lifecycle", () => {
  let stack: DeliveryStack;
  let receiver: WebhookReceiver;
  let nc: NatsConnection;
  const systemEvents: Array<{ subject: string; event: any }> = [];

  beforeAll(async () => {
    const nats = await startNatsServer();
    const database = await createTestDatabase("sb_delivery");
    const config = loadConfig(webhookStackEnv(nats.url, database.url));
    stack = await startDeliveryStack({ nats, database, config });
    receiver = await new WebhookReceiver().start();
    nc = await connectBus({ servers: nats.url, name: "lifecycle-test", logger });
    nc.subscribe("switchboard.events.*.webhookEndpointDisabled", {
      callback: (_e, m) => void systemEvents.push({ subject: m.subject, event: m.json() }),
    });
  });
  afterAll(async () => {
    await nc?.close();
    await receiver?.stop();
    await stack?.close();
  });

  const api = (key: "cmA" | "cmB" = "cmA") => stack.bridge.stack.client(key);
  const subscribe = async (org: "org-a" | "org-b", body: Record<string, unknown>) => {
    const res = await api(org === "org-a" ? "cmA" : "cmB").post(`/v1/orgs/${org}/webhooks`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; secret: string };
  };
  const idsAt = (path: string) => receiver.to(path).map((r) => r.webhookId);

  it("a new subscription gets the events published after it, not the org's history", async () => {
    const before = await stack.events.publish("org-a", "planCreated", planCreatedInfo(0));
    await subscribe("org-a", { url: receiver.url("/fresh"), eventTypes: ["planCreated"] });
    const after = await stack.events.publish("org-a", "planCreated", planCreatedInfo(1));
    await waitFor(() => idsAt("/fresh").length >= 1, { what: "the delivery" });
    await settle(500);
    expect(idsAt("/fresh")).toEqual([after.messageId]);
    expect(idsAt("/fresh")).not.toContain(before.messageId);
  });

  it("another org's subscription never sees an event, and other types and filtered-out events are skipped", async () => {
    await subscribe("org-a", {
      url: receiver.url("/referrals-a"),
      eventTypes: ["formSubmitted", "planCreated"],
      filter: { "==": [{ var: "info.formName" }, "Referral"] },
    });
    await subscribe("org-b", { url: receiver.url("/all-b"), eventTypes: ["*"] });
    const referral = await stack.events.publish("org-a", "formSubmitted", formSubmittedInfo(1, "Referral"));
    const intake = await stack.events.publish("org-a", "formSubmitted", formSubmittedInfo(2, "Intake"));
    const otherType = await stack.events.publish("org-a", "workQueueItemCreated", {
      planId: "242b7766-ac9e-451f-9fe4-dd54489108c1",
      workQueueName: "HomeVisits",
      workQueueItemId: "8f1c2c8e-3b8a-4f7e-9f5e-0d5b8e6c1a22",
      status: "new",
      priority: 1,
      serviceLocation: null,
      isTest: false,
    });
    const ofB = await stack.events.publish("org-b", "planCreated", planCreatedInfo(3));
    await waitFor(() => idsAt("/referrals-a").length >= 1 && idsAt("/all-b").length >= 1, {
      what: "deliveries",
    });
    await settle();
    expect(idsAt("/referrals-a")).toEqual([referral.messageId]);
    expect(idsAt("/all-b")).toEqual([ofB.messageId]);
    for (const id of [intake.messageId, otherType.messageId])
      expect(receiver.requests.map((r) => r.webhookId)).not.toContain(id);
    expect(stack.bridge.engine.counts()["delivery:skipped"]).toBeGreaterThanOrEqual(1);
  });

  it("a custom event type, as a rule emits it, reaches the subscriptions that name it and no other", async () => {
    const reminders = await subscribe("org-a", {
      url: receiver.url("/reminders"),
      eventTypes: ["slotReminderSent"],
    });
    const mixed = await subscribe("org-a", {
      url: receiver.url("/mixed"),
      eventTypes: ["planCreated", "slotReminderSent"],
    });
    const other = await subscribe("org-a", { url: receiver.url("/intakes"), eventTypes: ["intakeDone"] });
    const jsm = await jetstreamManager(nc);
    const stream = streamNames(stack.config.streamPrefix).events;
    const consumer = (sub: { id: string }) => jsm.consumers.info(stream, sub.id);
    expect((await consumer(reminders)).config.filter_subject).toBe(
      "switchboard.events.org-a.slotReminderSent",
    );
    expect((await consumer(mixed)).config.filter_subject).toBe("switchboard.events.org-a.*");
    expect((await consumer(other)).config.filter_subject).toBe("switchboard.events.org-a.intakeDone");

    // Built and published on switchboard.events.org-a.slotReminderSent as the rules engine's outbox does for an emit.
    const reminder = await stack.events.publish("org-a", "slotReminderSent", { slotId: "s-1" });
    const plan = await stack.events.publish("org-a", "planCreated", planCreatedInfo(5));
    const intake = await stack.events.publish("org-a", "intakeDone", { planId: "p-1" });

    // Once each consumer has nothing pending or unacked, every delivery it was to make is made.
    const handled = async (sub: { id: string }) => {
      const info = await consumer(sub);
      return info.num_pending === 0 && info.num_ack_pending === 0;
    };
    await waitFor(
      async () => (await handled(reminders)) && (await handled(mixed)) && (await handled(other)),
      {
        what: "every consumer to handle its messages",
      },
    );
    expect(idsAt("/reminders")).toEqual([reminder.messageId]);
    expect(new Set(idsAt("/mixed"))).toEqual(new Set([reminder.messageId, plan.messageId]));
    expect(idsAt("/mixed")).toHaveLength(2);
    expect(idsAt("/intakes")).toEqual([intake.messageId]);
    expect(JSON.parse(receiver.to("/reminders")[0]!.body)).toMatchObject({
      messageType: "switchboard.org-a.slotReminderSent",
      info: { slotId: "s-1" },
    });
  });

  it("a disabled subscription keeps its backlog in the stream and gets all of it when enabled again", async () => {
    const sub = await subscribe("org-a", { url: receiver.url("/paused"), eventTypes: ["planCreated"] });
    const first = await stack.events.publish("org-a", "planCreated", planCreatedInfo(10));
    await waitFor(() => idsAt("/paused").length === 1, { what: "the first delivery" });

    expect((await api().patch(`/v1/orgs/org-a/webhooks/${sub.id}`, { enabled: false })).status).toBe(200);
    const backlog = [];
    for (let n = 11; n < 31; n++)
      backlog.push((await stack.events.publish("org-a", "planCreated", planCreatedInfo(n))).messageId);
    await settle(2_500);
    expect(idsAt("/paused")).toEqual([first.messageId]);

    expect((await api().patch(`/v1/orgs/org-a/webhooks/${sub.id}`, { enabled: true })).status).toBe(200);
    await waitFor(() => idsAt("/paused").length >= 21, { what: "the backlog" });
    await settle(500);
    expect(new Set(idsAt("/paused"))).toEqual(new Set([first.messageId, ...backlog]));
    expect(idsAt("/paused")).toHaveLength(21);
  });

  it("changing a subscription's event types keeps its place in the stream", async () => {
    const sub = await subscribe("org-a", { url: receiver.url("/retyped"), eventTypes: ["planCreated"] });
    const plan = await stack.events.publish("org-a", "planCreated", planCreatedInfo(40));
    await waitFor(() => idsAt("/retyped").length === 1, { what: "the first delivery" });
    const patched = await api().patch(`/v1/orgs/org-a/webhooks/${sub.id}`, {
      eventTypes: ["planCreated", "formSubmitted"],
    });
    expect(patched.status).toBe(200);
    const form = await stack.events.publish("org-a", "formSubmitted", formSubmittedInfo(41));
    await waitFor(() => idsAt("/retyped").length >= 2, { what: "the new type" });
    await settle(500);
    expect(idsAt("/retyped")).toEqual([plan.messageId, form.messageId]);
  });

  it("410 Gone disables the subscription, emits webhookEndpointDisabled once, and keeps the event for a re-enable", async () => {
    let gone = true;
    receiver.respond = ({ path }) => (path === "/gone" && gone ? { status: 410 } : { status: 200 });
    const sub = await subscribe("org-a", { url: receiver.url("/gone"), eventTypes: ["planCreated"] });
    const event = await stack.events.publish("org-a", "planCreated", planCreatedInfo(50));

    const disabled = await waitFor(() => systemEvents.find((e) => e.event.info.subscriptionId === sub.id), {
      what: "the webhookEndpointDisabled event",
    });
    expect(disabled.subject).toBe("switchboard.events.org-a.webhookEndpointDisabled");
    expect(disabled.event).toMatchObject({
      messageType: "switchboard.org-a.webhookEndpointDisabled",
      orgId: "org-a",
      traceId: event.traceId,
      info: {
        subscriptionId: sub.id,
        url: receiver.url("/gone"),
        reason: "endpoint answered 410 Gone",
        failingSince: null,
      },
    });
    const shown = await api().get(`/v1/orgs/org-a/webhooks/${sub.id}`);
    expect(shown.body).toMatchObject({ enabled: false, disabledReason: "endpoint answered 410 Gone" });

    const later = await stack.events.publish("org-a", "planCreated", planCreatedInfo(51));
    await settle(2_000);
    expect(receiver.to("/gone").map((r) => r.status)).toEqual([410]);
    expect(systemEvents.filter((e) => e.event.info.subscriptionId === sub.id)).toHaveLength(1);

    gone = false;
    expect((await api().patch(`/v1/orgs/org-a/webhooks/${sub.id}`, { enabled: true })).status).toBe(200);
    await waitFor(() => idsAt("/gone").includes(later.messageId), { what: "the backlog after re-enabling" });
    // The event that met the 410 stayed unacked, parked for parkedRedeliveryMs: it comes too.
    await waitFor(() => receiver.successesById("/gone").get(event.messageId) === 1, {
      what: "the parked event",
    });
  });
});
