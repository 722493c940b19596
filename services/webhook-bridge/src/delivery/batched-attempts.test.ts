import { jetstreamManager, streamNames } from "@switchboard/bus";
import { waitFor } from "@switchboard/testing";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { deliverySuite, loggedAttempts } from "../../test/support/delivery/delivery-suite.js";
import { formSubmittedInfo, planCreatedInfo } from "../../test/support/delivery/event-publisher.js";

/** The receiver holds every answer until the next multiple of this, so answers come in waves. */
const WAVE_MS = 400;

/**
 * An unordered subscription has many deliveries in flight; their attempts are written many to a
 * statement, and a message is acked only once its attempt is committed.
 */
describe("deliveries in flight and their attempts written together", () => {
  const suite = deliverySuite();

  const subscribe = async (path: string, eventType: string): Promise<string> => {
    const res = await suite.stack.bridge.stack.client("cmA").post("/v1/orgs/org-a/webhooks", {
      url: suite.receiver.url(path),
      eventTypes: [eventType],
    });
    expect(res.status).toBe(201);
    return (res.body as { id: string }).id;
  };
  const attemptsOf = (subscriptionId: string) => loggedAttempts(suite.stack.bridge, subscriptionId);
  const consumerInfo = async (subscriptionId: string) => {
    const { bridge, config } = suite.stack;
    const jsm = await jetstreamManager(bridge.stack.running.context.nc);
    return jsm.consumers.info(streamNames(config.streamPrefix).events, subscriptionId);
  };

  it("sends many events to an unordered subscription at once and logs every attempt, many per statement", async () => {
    const { stack, receiver } = suite;
    expect(stack.config.webhookConcurrency).toBeGreaterThanOrEqual(32);
    const subscriptionId = await subscribe("/wide", "planCreated");
    receiver.respond = () => ({ status: 200, delayMs: WAVE_MS - (Date.now() % WAVE_MS) });
    const published = new Map<string, number>();
    for (let n = 0; n < 100; n++) {
      const event = await stack.events.publish("org-a", "planCreated", planCreatedInfo(n));
      published.set(event.messageId, event.seq);
    }

    await waitFor(async () => (await attemptsOf(subscriptionId)).length >= 100, {
      timeoutMs: 30_000,
      what: "100 attempts logged",
    });
    const requests = receiver.to("/wide");
    const most = Math.max(...requests.map((r) => r.concurrent));
    expect(most).toBeGreaterThanOrEqual(32);
    expect(most).toBeLessThanOrEqual(stack.config.webhookConcurrency);
    expect([...receiver.successesById("/wide").values()]).toEqual(Array(100).fill(1));
    expect(requests).toHaveLength(100);

    const attempts = await attemptsOf(subscriptionId);
    expect(attempts).toHaveLength(100);
    for (const a of attempts) {
      expect(a).toMatchObject({ kind: "delivery", outcome: "delivered", status: 200, attempt: 1 });
      expect(Number(a.stream_seq)).toBe(published.get(a.message_id));
      expect(a.next_attempt_at).toBeNull();
    }
    expect(new Set(attempts.map((a) => a.message_id)).size).toBe(100);
    // Rows of one statement share its transaction's start time.
    const statements = new Set(attempts.map((a) => a.created_at.toISOString())).size;
    expect(statements).toBeLessThanOrEqual(100 / 4);
    await waitFor(async () => (await consumerInfo(subscriptionId)).num_ack_pending === 0, {
      what: "every message acked",
    });
  });

  it("does not ack a delivery whose attempt could not be written, and writes it on the redelivery without a second POST", async () => {
    const { stack, receiver } = suite;
    const subscriptionId = await subscribe("/unlogged", "formSubmitted");
    receiver.respond = () => ({ status: 200 });
    const db = stack.bridge.stack.db;
    await sql`create function webhook_bridge.refuse_attempts() returns trigger language plpgsql as $$
      begin raise exception 'the attempt log refuses writes'; end $$`.execute(db);
    await sql`create trigger refuse_attempts before insert on webhook_bridge.delivery_attempts
      for each row execute function webhook_bridge.refuse_attempts()`.execute(db);
    try {
      const event = await stack.events.publish("org-a", "formSubmitted", formSubmittedInfo(1));
      await waitFor(() => receiver.to("/unlogged").length === 1, { what: "the POST" });
      // The handler's backoff brings the message again after 1 s; its attempt still cannot be written.
      await waitFor(async () => (await consumerInfo(subscriptionId)).num_redelivered >= 1, {
        what: "the message redelivered",
      });
      const held = await consumerInfo(subscriptionId);
      expect(held.num_ack_pending).toBe(1);
      expect(await attemptsOf(subscriptionId)).toHaveLength(0);
      expect(receiver.to("/unlogged")).toHaveLength(1);

      await sql`drop trigger refuse_attempts on webhook_bridge.delivery_attempts`.execute(db);
      await waitFor(async () => (await attemptsOf(subscriptionId)).length === 1, {
        timeoutMs: 20_000,
        what: "the attempt written",
      });
      await waitFor(async () => (await consumerInfo(subscriptionId)).num_ack_pending === 0, {
        what: "the message acked",
      });
      const [attempt] = await attemptsOf(subscriptionId);
      expect(attempt).toMatchObject({
        message_id: event.messageId,
        kind: "delivery",
        outcome: "delivered",
        status: 200,
        attempt: 1,
      });
      expect(Number(attempt?.stream_seq)).toBe(event.seq);
      expect(receiver.to("/unlogged")).toHaveLength(1);
    } finally {
      await sql`drop trigger if exists refuse_attempts on webhook_bridge.delivery_attempts`.execute(db);
    }
  });
});
