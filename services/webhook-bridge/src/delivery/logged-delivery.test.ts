import { waitFor } from "@switchboard/testing";
import { describe, expect, it } from "vitest";
import { formSubmittedInfo } from "../../test/support/delivery/event-publisher.js";
import { deliverySuite } from "../../test/support/delivery/delivery-suite.js";

/**
 * A replica that logged a delivery and died before its ack leaves the message to come again; the
 * log is what says it arrived. Here the log entry is written beside a failed first attempt, so the
 * redelivery that follows meets it.
 */
describe("a message the deliveries log shows delivered", () => {
  const suite = deliverySuite();

  it("is acked on its redelivery without a second POST", async () => {
    const { stack, receiver } = suite;
    receiver.respond = () => ({ status: 500 });
    const created = await stack.bridge.stack.client("cmA").post("/v1/orgs/org-a/webhooks", {
      url: receiver.url("/logged"),
      eventTypes: ["formSubmitted"],
      retrySchedule: [0, 2_000],
    });
    expect(created.status).toBe(201);
    const event = await stack.events.publish("org-a", "formSubmitted", formSubmittedInfo(1));
    await waitFor(() => receiver.to("/logged").length >= 1, { what: "the first attempt" });
    await stack.bridge.stack.db
      .withSchema("webhook_bridge")
      .insertInto("delivery_attempts")
      .values({
        org_id: "org-a",
        subscription_id: created.body.id,
        message_id: event.messageId,
        event_type: "formSubmitted",
        stream_seq: event.seq,
        attempt: 1,
        kind: "delivery",
        outcome: "delivered",
        status: 200,
        duration_ms: 1,
      })
      .execute();
    receiver.respond = () => ({ status: 200 });

    const attempts = () =>
      stack.bridge.stack.db
        .withSchema("webhook_bridge")
        .selectFrom("delivery_attempts")
        .select(["outcome"])
        .where("subscription_id", "=", created.body.id)
        .execute();
    await waitFor(async () => (await attempts()).some((a) => a.outcome === "retry"), {
      what: "the failure logged",
    });
    // Past the 2 s retry delay: a second POST would have come by now.
    await new Promise((r) => setTimeout(r, 4_000));
    expect(receiver.to("/logged")).toHaveLength(1);
    expect((await attempts()).map((a) => a.outcome).sort()).toEqual(["delivered", "retry"]);
  });
});
