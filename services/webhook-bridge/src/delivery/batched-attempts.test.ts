import { jetstreamManager, streamNames } from "@switchboard/bus";
import { waitFor } from "@switchboard/testing";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { deliverySuite, loggedAttempts } from "../../test/support/delivery/delivery-suite.js";
import { formSubmittedInfo } from "../../test/support/delivery/event-publisher.js";

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
