import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@switchboard/testing";
import { collectEvents } from "./support/event-collector.js";
import { booking } from "./support/examples.js";
import { natsPublisher } from "./support/nats-publisher.js";
import { watchConsumers, type ConsumerWatch } from "./support/scenario-jetstream.js";
import {
  activateReminderRule,
  REMINDER_RULE,
  setUpScenarioOrg,
  type Polled,
  type ScenarioOrg,
} from "./support/scenario-org.js";
import { startProcessStack, type ProcessStack } from "./support/scenario-stack.js";
import { requestsTo, verifiedBody, WebhookSink, type SinkRequest } from "./support/scenario-webhook-sink.js";

const ORG = "hrh";
const BASE = `/v1/orgs/${ORG}`;
const INBOUND_SUBJECT = `switchboard.inbound.${ORG}.scheduling.slotBooked`;

/**
 * Cross-service flows as the systems around Switchboard use them, against every service in a
 * process of its own: the public HTTP API of the process that serves each route, and NATS.
 */
describe("scenarios across separate service processes", () => {
  let stack: ProcessStack;
  let sink: WebhookSink;
  let consumers: ConsumerWatch;
  let publisher: Awaited<ReturnType<typeof natsPublisher>>;
  let hrh: ScenarioOrg;

  beforeAll(async () => {
    [stack, sink] = await Promise.all([
      startProcessStack({
        services: ["tenancy", "plans", "forms", "work-queues", "rules-engine", "webhook-bridge", "ingress"],
        env: {
          SWITCHBOARD_WEBHOOK_ALLOWLIST: "127.0.0.1",
          // Short, so that a repeated id gets past the broker within the test.
          SWITCHBOARD_DUPLICATE_WINDOW_MS: "1000",
        },
      }),
      new WebhookSink().start(),
    ]);
    consumers = await watchConsumers(stack.nats);
    publisher = await natsPublisher(stack.nats);
    hrh = await setUpScenarioOrg(stack, ORG);
    await activateReminderRule(hrh, consumers);
  }, 300_000); // starting seven processes at once on a busy machine can take minutes

  afterAll(async () => {
    await publisher?.close();
    await consumers?.close();
    await sink?.stop();
    await stack?.close();
  });

  it("a booked slot posted to ingress assigns the reminder; the EMR gets it as a signed webhook and a third party on NATS", async () => {
    const emr = await hrh.subscribe({ url: sink.url("/emr/assigned"), eventTypes: ["formAssigned"] });
    const subscriber = await collectEvents(stack.nats, `switchboard.events.${ORG}.formAssigned`);
    try {
      const planId = await hrh.planFor("pat-1");
      const slot = booking(1, "pat-1");
      expect(await hrh.ingest("booking-1", slot)).toEqual({ messageId: "booking-1", duplicate: false });

      const [request] = await requestsTo(sink, "/emr/assigned");
      const event = verifiedBody(emr.secret, request!);
      expect(event).toMatchObject({
        messageId: request!.webhookId,
        messageType: `switchboard.${ORG}.formAssigned`,
        orgId: ORG,
        requestedBy: `rule:${REMINDER_RULE}@1`,
        info: {
          planId,
          formName: "AppointmentReminder",
          userId: "pat-1",
          prefill: { appointmentTime: slot.slot.start },
        },
      });
      expect(() => verifiedBody(`whsec_${Buffer.alloc(32, 1).toString("base64")}`, request!)).toThrow();

      const [onNats] = await waitFor(() => {
        const same = subscriber.events.filter((e) => e.messageId === event.messageId);
        return same.length > 0 && same;
      });
      expect(onNats).toEqual(event);

      const [assignment] = await hrh.remindersOf("pat-1");
      expect(assignment).toMatchObject({ id: event.info.formAssignmentId, planId });
      await consumers.untilIdle("EVENTS", emr.id);
      expect(sink.to("/emr/assigned")).toHaveLength(1);
    } finally {
      await subscriber.close();
    }
  });

  it("a submitted Referral reaches the EMR filtered and mapped to its own format; another form does not", async () => {
    const emr = await hrh.subscribe({
      url: sink.url("/emr/referrals"),
      eventTypes: ["formSubmitted"],
      filter: { "==": [{ var: "info.formName" }, "Referral"] },
      mapping: {
        "patient.name": { var: "info.data.patientName" },
        "referral.id": { var: "info.formAssignmentId" },
        "referral.reason": { var: "info.data.reason" },
      },
    });
    const planId = await hrh.planFor("pat-2");
    const assign = async (formName: string) => {
      const res = await hrh.care.forms.post(`${BASE}/plans/${planId}/form-assignments`, {
        formName,
        userId: "pat-2",
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };
    const [intake, referral] = [await assign("Intake"), await assign("Referral")];
    const submit = async (id: string, data: Record<string, unknown>) =>
      expect((await hrh.care.forms.post(`${BASE}/form-assignments/${id}/submission`, { data })).status).toBe(
        200,
      );
    await submit(intake, { patientName: "Ada Lovelace", allergies: "none" });
    await submit(referral, { patientName: "Ada Lovelace", reason: "antenatal scan" });

    const [request] = await requestsTo(sink, "/emr/referrals");
    expect(verifiedBody(emr.secret, request!)).toEqual({
      patient: { name: "Ada Lovelace" },
      referral: { id: referral, reason: "antenatal scan" },
    });
    // Both submissions are on the stream and the subscription has handled both: only one came.
    const submitted = await waitFor(async () => {
      const found = (await hrh.polledEvents("formSubmitted")).filter((e) => e.info.planId === planId);
      return found.length === 2 && found;
    });
    expect(request!.webhookId).toBe(submitted.find((e) => e.info.formName === "Referral")!.messageId);
    await consumers.untilIdle("EVENTS", emr.id);
    expect(sink.to("/emr/referrals")).toHaveLength(1);
  });

  it("a poller follows a work-queue item through its statuses in order, resuming from its cursor", async () => {
    const types = "types=workQueueItemCreated,workQueueItemStatusUpdated";
    expect(
      (
        await hrh.care.workQueues.put(`${BASE}/work-queues/triage`, {
          statuses: ["new", "triaged", "seen", "done"],
        })
      ).status,
    ).toBe(201);
    const planId = await hrh.planFor("pat-3");
    // A poller that has read everything so far: its cursor is the stream's end.
    const start = await hrh.poll(`after=0&${types}&limit=1000`);
    expect(start.status).toBe(200);
    let cursor = start.body.next;

    // A long poll waits for the next event and returns with it.
    const waiting = hrh.poll(`after=${cursor}&${types}&waitMs=30000`);
    const item = await hrh.care.workQueues.post(`${BASE}/work-queues/triage/items`, {
      planId,
      priority: 2,
      serviceLocation: "Ward 4",
    });
    expect(item.status).toBe(201);
    const created = await waiting;
    expect(created.status).toBe(200);
    expect(created.body.events.map((e) => e.event.info.workQueueItemId)).toEqual([item.body.id]);
    expect(created.body.events[0]!.event.info).toMatchObject({ status: "new", workQueueName: "triage" });
    cursor = created.body.next;

    const move = async (status: string) =>
      expect(
        (await hrh.care.workQueues.patch(`${BASE}/work-queue-items/${item.body.id}`, { status })).status,
      ).toBe(200);
    await move("triaged");
    await move("seen");
    // One event a page; each poll resumes where the last ended and never repeats one.
    const updates: Polled["events"] = [];
    while (updates.length < 2) {
      const page = await hrh.poll(`after=${cursor}&${types}&limit=1&waitMs=20000`);
      expect(page.status).toBe(200);
      expect(page.body.events.length).toBeLessThanOrEqual(1);
      for (const e of page.body.events) expect(e.cursor).not.toBe(cursor);
      updates.push(...page.body.events);
      cursor = page.body.next;
    }
    const waitingForDone = hrh.poll(`after=${cursor}&${types}&waitMs=30000`);
    await move("done");
    const done = await waitingForDone;
    updates.push(...done.body.events);

    expect(updates.map((e) => e.event.messageType.split(".").at(-1))).toEqual(
      Array(3).fill("workQueueItemStatusUpdated"),
    );
    expect(updates.map((e) => [e.event.info.oldStatus, e.event.info.status])).toEqual([
      ["new", "triaged"],
      ["triaged", "seen"],
      ["seen", "done"],
    ]);
    for (const e of updates)
      expect(e.event.info).toMatchObject({
        workQueueItemId: item.body.id,
        priority: 2,
        serviceLocation: "Ward 4",
      });
    expect(done.body.next).toBe(done.body.events.at(-1)!.cursor);
  });

  describe("the same inbound event over HTTP and NATS is processed once", () => {
    let emr: { id: string; secret: string };
    beforeAll(async () => {
      emr = await hrh.subscribe({ url: sink.url("/emr/dedup"), eventTypes: ["formAssigned"] });
    });

    const webhooksFor = (userId: string) =>
      sink.to("/emr/dedup").filter((r: SinkRequest) => verifiedBody(emr.secret, r).info.userId === userId);
    const publishOnNats = (messageId: string, payload: unknown) =>
      publisher.publish(INBOUND_SUBJECT, payload, messageId);

    /** One reminder, one rule run and one webhook, once everything published so far is handled. */
    const expectOnce = async (userId: string, messageId: string) => {
      await waitFor(() => webhooksFor(userId).length > 0, {
        timeoutMs: 60_000,
        what: `a webhook for ${userId}`,
      });
      await consumers.untilIdle("INBOUND", "rules-engine");
      await consumers.untilIdle("EVENTS", emr.id);
      const reminders = await hrh.remindersOf(userId);
      expect(reminders).toHaveLength(1);
      expect(await hrh.runsOf(messageId)).toEqual([expect.objectContaining({ status: "succeeded" })]);
      const webhooks = webhooksFor(userId);
      expect(webhooks).toHaveLength(1);
      expect(verifiedBody(emr.secret, webhooks[0]!).info.formAssignmentId).toBe(reminders[0]!.id);
    };

    it("HTTP first, then NATS with the same id", async () => {
      await hrh.planFor("pat-4");
      const slot = booking(4, "pat-4");
      expect(await hrh.ingest("booking-4", slot)).toEqual({ messageId: "booking-4", duplicate: false });
      // Stored beside the HTTP copy: the broker scopes HTTP ids by org and name, so the engine decides.
      expect((await publishOnNats("booking-4", slot)).duplicate).toBe(false);
      await expectOnce("pat-4", "booking-4");
    });

    it("NATS first, then HTTP with the same Idempotency-Key", async () => {
      await hrh.planFor("pat-5");
      const slot = booking(5, "pat-5");
      expect((await publishOnNats("booking-5", slot)).duplicate).toBe(false);
      expect(await hrh.ingest("booking-5", slot)).toEqual({ messageId: "booking-5", duplicate: false });
      await expectOnce("pat-5", "booking-5");
    });

    it("a NATS copy arriving after the broker's duplicate window, and repeats after it, are processed once", async () => {
      await hrh.planFor("pat-6");
      const slot = booking(6, "pat-6");
      await hrh.ingest("booking-6", slot);
      await expectOnce("pat-6", "booking-6");
      // The broker stores a repeated id again once its window has passed; the engine's dedup has no time limit.
      await waitFor(async () => !(await hrh.ingest("booking-6", slot)).duplicate, {
        timeoutMs: 30_000,
        intervalMs: 250,
        what: "ingress to store a repeated Idempotency-Key again",
      });
      expect((await publishOnNats("booking-6", slot)).duplicate).toBe(false);
      await waitFor(async () => !(await publishOnNats("booking-6", slot)).duplicate, {
        timeoutMs: 30_000,
        intervalMs: 250,
        what: "the broker to store a repeated Nats-Msg-Id again",
      });
      await expectOnce("pat-6", "booking-6");
    });
  });
});
