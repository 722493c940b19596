import {
  connectBus,
  DeadLetterHeaders,
  jetstreamManager,
  streamNames,
  type NatsConnection,
} from "@switchboard/bus";
import { loadConfig } from "@switchboard/config";
import { createLogger } from "@switchboard/logger";
import { createTestDatabase, startNatsServer, waitFor } from "@switchboard/testing";
import { resolveWithSystem } from "@switchboard/webhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookStackEnv } from "../../test/support/webhook-bridge-stack.js";
import {
  FAST_ENGINE,
  startDeliveryStack,
  type DeliveryStack,
} from "../../test/support/delivery/delivery-stack.js";
import { formSubmittedInfo } from "../../test/support/delivery/event-publisher.js";
import { loggedAttempts } from "../../test/support/delivery/delivery-suite.js";
import { verifies, WebhookReceiver } from "../../test/support/delivery/webhook-receiver.js";

const logger = createLogger({ level: "silent" });

/** A name that is not resolvable at save time, and resolves to a private address when delivering. */
const PRIVATE_HOST = "hooks.invalid";

describe("delivery retries", () => {
  let stack: DeliveryStack;
  let receiver: WebhookReceiver;
  let nc: NatsConnection;

  beforeAll(async () => {
    const nats = await startNatsServer();
    const database = await createTestDatabase("sb_delivery");
    // Failing for 1.5 s counts as failing for too long here.
    const config = loadConfig(
      webhookStackEnv(nats.url, database.url, { SWITCHBOARD_WEBHOOK_DISABLE_AFTER_MS: "1500" }),
    );
    stack = await startDeliveryStack(
      { nats, database, config },
      {
        ...FAST_ENGINE,
        resolve: async (host) => (host === PRIVATE_HOST ? ["10.0.0.7"] : resolveWithSystem(host)),
      },
    );
    receiver = await new WebhookReceiver().start();
    nc = await connectBus({ servers: nats.url, name: "delivery-retries-test", logger });
  });
  afterAll(async () => {
    await nc?.close();
    await receiver?.stop();
    await stack?.close();
  });

  const subscribe = async (body: Record<string, unknown>) => {
    const res = await stack.bridge.stack.client("cmA").post("/v1/orgs/org-a/webhooks", body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; secret: string };
  };
  const attempts = (subscriptionId: string) => loggedAttempts(stack.bridge, subscriptionId);

  it("an endpoint answering 500 then 200 gets the event once more, with the same webhook-id, signed both times", async () => {
    receiver.respond = ({ path, seen }) =>
      path === "/flaky" && seen === 0 ? { status: 500 } : { status: 200 };
    const sub = await subscribe({
      url: receiver.url("/flaky"),
      eventTypes: ["formSubmitted"],
      retrySchedule: [0, 200, 400],
    });
    const event = await stack.events.publish("org-a", "formSubmitted", formSubmittedInfo(1));

    await waitFor(() => receiver.to("/flaky").length >= 2, { what: "the retry" });
    await new Promise((r) => setTimeout(r, 1_000)); // room for a wrong third request
    const requests = receiver.to("/flaky");
    expect(requests.map((r) => r.status)).toEqual([500, 200]);
    expect(requests.map((r) => r.webhookId)).toEqual([event.messageId, event.messageId]);
    for (const r of requests) expect(verifies(sub.secret, r)).toBe(true);
    const { seq, ...published } = event;
    expect(JSON.parse(requests[1]!.body)).toEqual(published);

    const log = await attempts(sub.id);
    expect(log.map((a) => [a.attempt, a.kind, a.outcome, a.status])).toEqual([
      [1, "delivery", "retry", 500],
      [2, "delivery", "delivered", 200],
    ]);
    expect(log[0]!.next_attempt_at).not.toBeNull();
    expect(log[0]!.error).toContain("500");
    expect(log[0]!.response_excerpt).toBe("answered 500");
    expect(Number(log[1]!.stream_seq)).toBe(seq);
    const row = await stack.bridge.stack.db
      .withSchema("webhook_bridge")
      .selectFrom("subscriptions")
      .select(["failing_since", "enabled"])
      .where("id", "=", sub.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ failing_since: null, enabled: true });
  });

  it("an exhausted schedule dead-letters the event with stage webhook and the subscription as origin consumer", async () => {
    receiver.respond = ({ path }) =>
      path === "/broken" ? { status: 503, body: "down for good" } : { status: 200 };
    const sub = await subscribe({
      url: receiver.url("/broken"),
      eventTypes: ["formSubmitted"],
      retrySchedule: [0, 100, 100],
    });
    const event = await stack.events.publish("org-a", "formSubmitted", formSubmittedInfo(2));

    const letter = await waitFor(() => deadLetterOf(event.messageId), { what: "the dead letter" });
    expect(letter.subject).toBe("switchboard.dlq.org-a.webhook");
    expect(letter.header?.get(DeadLetterHeaders.Stage)).toBe("webhook");
    expect(letter.header?.get(DeadLetterHeaders.OriginConsumer)).toBe(sub.id);
    expect(letter.header?.get(DeadLetterHeaders.OriginSeq)).toBe(String(event.seq));
    expect(letter.header?.get(DeadLetterHeaders.Reason)).toContain("retries exhausted after 3 attempts");
    expect(JSON.parse(letter.string()).messageId).toBe(event.messageId);
    expect(receiver.to("/broken")).toHaveLength(3);
    expect((await attempts(sub.id)).map((a) => [a.attempt, a.outcome])).toEqual([
      [1, "retry"],
      [2, "retry"],
      [3, "exhausted"],
    ]);
  });

  it("a destination that resolves to a private address at delivery is refused and dead-lettered, not retried", async () => {
    const sub = await subscribe({ url: `http://${PRIVATE_HOST}/hooks`, eventTypes: ["planCreated"] });
    const event = await stack.events.publish("org-a", "planCreated", {
      planId: "242b7766-ac9e-451f-9fe4-dd54489108c1",
      templateName: "maternity-care",
      userId: "u-1",
      isTest: false,
      roleAssignments: [],
    });
    const letter = await waitFor(() => deadLetterOf(event.messageId), { what: "the dead letter" });
    expect(letter.header?.get(DeadLetterHeaders.Stage)).toBe("webhook");
    expect(letter.header?.get(DeadLetterHeaders.OriginConsumer)).toBe(sub.id);
    expect(letter.header?.get(DeadLetterHeaders.Reason)).toContain("10.0.0.7");
    const log = await attempts(sub.id);
    expect(log.map((a) => [a.attempt, a.outcome])).toEqual([[1, "refused"]]);
  });

  it("a subscription failing for longer than the configured period is disabled, with an event saying since when", async () => {
    const disabledEvents: any[] = [];
    const watch = nc.subscribe("switchboard.events.org-a.webhookEndpointDisabled", {
      callback: (_e, m) => void disabledEvents.push(m.json()),
    });
    receiver.respond = ({ path }) => (path === "/failing" ? { status: 500 } : { status: 200 });
    const sub = await subscribe({
      url: receiver.url("/failing"),
      eventTypes: ["formSubmitted"],
      retrySchedule: [0, 400, 400, 400, 400, 400, 400, 400, 400, 400],
    });
    await stack.events.publish("org-a", "formSubmitted", formSubmittedInfo(3));

    const disabled = await waitFor(() => disabledEvents.find((e) => e.info.subscriptionId === sub.id), {
      what: "the webhookEndpointDisabled event",
    });
    watch.unsubscribe();
    const row = await stack.bridge.stack.db
      .withSchema("webhook_bridge")
      .selectFrom("subscriptions")
      .select(["enabled", "disabled_reason", "failing_since"])
      .where("id", "=", sub.id)
      .executeTakeFirstOrThrow();
    const since = row.failing_since!.toISOString();
    expect(row).toMatchObject({ enabled: false, disabled_reason: `failing since ${since}` });
    expect(disabled.info).toEqual({
      subscriptionId: sub.id,
      url: receiver.url("/failing"),
      reason: `failing since ${since}`,
      failingSince: since,
    });
    const tries = receiver.to("/failing").length;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(receiver.to("/failing")).toHaveLength(tries);
  });

  /** The DLQ entry whose origin is this message, if there is one yet. */
  async function deadLetterOf(messageId: string) {
    const jsm = await jetstreamManager(nc);
    const dlq = streamNames(stack.config.streamPrefix).dlq;
    const { state } = await jsm.streams.info(dlq);
    for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
      const m = await jsm.streams.getMessage(dlq, { seq });
      if (m?.header?.get(DeadLetterHeaders.OriginMsgId) === messageId) return m;
    }
    return undefined;
  }
});
